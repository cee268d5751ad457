package dev.warden.core.jmx;

import dev.warden.core.WardenConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Files holding secrets: written owner-only, refused when others may read (or change) them (JMX, the HTTP token). */
public final class OwnerOnly {
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  /**
   * Refuses {@code file} (the value of {@code key}) when it is missing or, on a POSIX file system,
   * when group or others have any permission ({@code secret}) or may write it (otherwise).
   */
  public static void check(Path file, String key, boolean secret) {
    if (!Files.isRegularFile(file)) {
      throw new WardenConfigException(key, key + " " + file + " does not exist or is not a regular file");
    }
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return; // not POSIX: the JDK agent checks ACLs there; we document owner-only instead
    }
    Set<PosixFilePermission> perms;
    try {
      perms = view.readAttributes().permissions();
    } catch (IOException e) {
      throw new WardenConfigException(key, key + ": cannot read the permissions of " + file + ": " + e, e);
    }
    Set<PosixFilePermission> bad = EnumSet.copyOf(secret ? OTHERS : OTHERS_WRITE);
    bad.retainAll(perms);
    if (!bad.isEmpty()) {
      throw new WardenConfigException(key, key + " " + file
          + (secret ? " must be readable by its owner only (chmod 600)" : " must not be writable by group or others")
          + ", but its mode is " + PosixFilePermissions.toString(perms));
    }
  }

  /** Creates {@code dir} and missing parents owner-only (700); an existing directory is left as it is. */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix(dir.getParent())) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Writes {@code text} to a 600 temporary file beside {@code file}, then moves it into place. */
  public static void writeAtomically(Path file, String text) throws IOException {
    FileAttribute<?>[] attrs = posix(file.getParent())
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp", attrs);
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static boolean posix(Path existing) {
    Path p = existing;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null
        ? Files.getFileAttributeView(Path.of("."), PosixFileAttributeView.class) != null
        : Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
  }

  private OwnerOnly() {}
}
