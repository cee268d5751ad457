package dev.warden.workers.graveyard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * What the file system says of a file without reading it: size, modification and change times,
 * and identity (device and inode). An import that read a file to its end keeps the stamp it
 * took before reading; while the stamp stays the same the file is up to date, and any change
 * (an append, an edit of the same size, a replacement by another file) makes the next import
 * hash the whole imported part again.
 *
 * @param size bytes
 * @param modifiedNanos last modification, nanoseconds since the epoch
 * @param changedNanos last status change ({@code unix:ctime}, which no one can set back), or -1
 *     where the file system has no such attribute
 * @param fileKey the file system's identity of the file (Linux: device and inode), or null
 */
public record FileStamp(long size, long modifiedNanos, long changedNanos, String fileKey) {

  static FileStamp of(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    long changed = -1;
    if (path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      changed = nanos((FileTime) Files.getAttribute(path, "unix:ctime"));
    }
    Object key = a.fileKey();
    return new FileStamp(a.size(), nanos(a.lastModifiedTime()), changed, key == null ? null : key.toString());
  }

  /** True when {@code other} is this same file, unchanged; never for a file system without identities. */
  boolean unchanged(FileStamp other) {
    return other != null && fileKey != null && equals(other);
  }

  private static long nanos(FileTime t) {
    return t.to(TimeUnit.NANOSECONDS);
  }
}
