package dev.warden.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How Warden creates the directories and files of a node (the data directory, the H2 database,
 * quarantine files): owner-only unless {@code warden.data-dir-mode} and
 * {@code warden.data-file-mode} say otherwise. A library must not change its host's umask, so
 * directories are created with their mode and files are created (or tightened) with theirs
 * before anything is written to them.
 *
 * <p>A directory that already exists is never changed: one that group or others may write in (such as
 * {@code /tmp}) is refused, and one that grants them more than the configured mode otherwise is warned about,
 * once per directory and JVM. On a file system without POSIX permissions the modes are not applied.
 */
public final class DataFiles {
  private static final Logger log = LoggerFactory.getLogger(DataFiles.class);
  private static final Set<Path> warned = ConcurrentHashMap.newKeySet();
  private static final Set<PosixFilePermission> OWNER_DIR =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  private static final Set<PosixFilePermission> OWNER_FILE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final Set<PosixFilePermission> dirMode;
  private final Set<PosixFilePermission> fileMode;

  private DataFiles(Set<PosixFilePermission> dirMode, Set<PosixFilePermission> fileMode) {
    this.dirMode = Set.copyOf(dirMode);
    this.fileMode = Set.copyOf(fileMode);
  }

  /** Reads and validates {@code warden.data-dir-mode} and {@code warden.data-file-mode}. */
  public static DataFiles create(Config root) {
    ConfigReader w = ConfigReader.at(root, "warden");
    Set<PosixFilePermission> dir = mode(w, "data-dir-mode");
    if (!dir.containsAll(OWNER_DIR)) {
      throw w.bad("data-dir-mode", "must give the owner rwx (7xx)", null);
    }
    Set<PosixFilePermission> file = mode(w, "data-file-mode");
    if (!file.containsAll(OWNER_FILE)) {
      throw w.bad("data-file-mode", "must give the owner rw (6xx or 7xx)", null);
    }
    return new DataFiles(dir, file);
  }

  /** The modes of the reference configuration on the classpath (for tools without a node config). */
  public static DataFiles reference() {
    return create(ConfigFactory.defaultReference());
  }

  public Set<PosixFilePermission> dirMode() {
    return dirMode;
  }

  public Set<PosixFilePermission> fileMode() {
    return fileMode;
  }

  /**
   * Makes sure {@code dir} is a directory Warden can write in, creating it (and missing parents)
   * with the directory mode. Failures name {@code key}, the config key the directory comes from.
   */
  public Path directory(Path dir, String key) {
    Path abs = dir.toAbsolutePath().normalize();
    boolean existed = Files.isDirectory(abs);
    if (!existed) {
      create(abs, key);
    }
    if (!Files.isWritable(abs) || !Files.isExecutable(abs)) {
      throw new WardenConfigException(key, key + " " + abs + " is not writable by this user");
    }
    if (existed) {
      refuseIfOthersMayWrite(abs, key);
      warnIfOpen(abs, key);
    }
    return abs;
  }

  /**
   * Creates {@code file} empty with the file mode if it does not exist, else sets the file mode on
   * it (tightening files an earlier version left open). Answers the file.
   */
  public Path file(Path file) throws IOException {
    if (!posix(file.getParent() == null ? file.toAbsolutePath() : file.getParent())) {
      if (!Files.exists(file)) {
        Files.createFile(file);
      }
      return file;
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(fileMode));
      Files.setPosixFilePermissions(file, fileMode); // the umask may have taken bits away
    } catch (FileAlreadyExistsException e) {
      restrict(file);
    }
    return file;
  }

  /** Sets the file mode on {@code file} if it exists (a symbolic link is left alone). */
  public void restrict(Path file) throws IOException {
    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && posix(file)) {
      if (!Files.getPosixFilePermissions(file).equals(fileMode)) {
        Files.setPosixFilePermissions(file, fileMode);
      }
    }
  }

  private void create(Path dir, String key) {
    try {
      // missing parents get the directory mode too, not the umask's, from the top down
      Deque<Path> missing = new ArrayDeque<>();
      for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
        missing.push(p);
      }
      boolean posix = posix(dir);
      while (!missing.isEmpty()) {
        Path p = missing.pop();
        try {
          if (posix) {
            Files.createDirectory(p, PosixFilePermissions.asFileAttribute(dirMode));
            Files.setPosixFilePermissions(p, dirMode); // the umask may have taken bits away
          } else {
            Files.createDirectory(p);
          }
        } catch (FileAlreadyExistsException e) {
          if (!Files.isDirectory(p)) {
            throw e;
          }
          // made meanwhile by another node or thread: theirs, used as it is
        }
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new WardenConfigException(
            key, key + " " + dir + " cannot be created: " + e.getFile() + " exists and is not a directory", e);
      }
    } catch (IOException e) {
      throw new WardenConfigException(key, key + " " + dir + " cannot be created: " + reason(e), e);
    }
  }

  /**
   * A directory others may write in is refused, not warned about: whoever can write there can plant or swap
   * what Warden opens (a database with code in it, a token, a symbolic link to a file of the operator's).
   * The modes are those of where a symbolic link leads.
   */
  private static void refuseIfOthersMayWrite(Path dir, String key) {
    if (!posix(dir)) {
      return;
    }
    Set<PosixFilePermission> actual;
    try {
      actual = Files.getPosixFilePermissions(dir);
    } catch (IOException e) {
      throw new WardenConfigException(key, key + " " + dir + ": cannot read its permissions: " + reason(e), e);
    }
    if (actual.contains(PosixFilePermission.GROUP_WRITE) || actual.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new WardenConfigException(key, key + " " + dir + (Files.isSymbolicLink(dir) ? " (a symbolic link)" : "")
          + " is " + PosixFilePermissions.toString(actual) + ": group or others may write in it, so another user"
          + " could plant or replace the node's files. Close it (chmod go-w " + dir + ") or use a directory of"
          + " the node's own, which Warden creates owner-only");
    }
  }

  private void warnIfOpen(Path dir, String key) {
    if (!posix(dir)) {
      return;
    }
    try {
      Set<PosixFilePermission> actual = Files.getPosixFilePermissions(dir);
      Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
      extra.addAll(actual);
      extra.removeAll(dirMode);
      if (!extra.isEmpty() && warned.add(dir)) {
        log.warn(
            "{} {} is {} (more open than warden.data-dir-mode {}); Warden does not change a directory it did not"
                + " create, but its own files in it are {}. To close it: chmod {} {}",
            key, dir, PosixFilePermissions.toString(actual), PosixFilePermissions.toString(dirMode),
            PosixFilePermissions.toString(fileMode), octal(dirMode), dir);
      }
    } catch (IOException e) {
      log.debug("cannot read the permissions of {}: {}", dir, e.toString());
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException missing) {
      return missing.getFile() + " does not exist";
    }
    if (e instanceof java.nio.file.AccessDeniedException denied) {
      return "permission denied on " + denied.getFile();
    }
    if (e instanceof FileSystemException f) {
      return (f.getFile() == null ? "" : f.getFile() + ": ") + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
    }
    return e.toString();
  }

  private static boolean posix(Path existing) {
    return existing.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Parses {@code 700}, {@code 0700} or {@code rwx------}. */
  private static Set<PosixFilePermission> mode(ConfigReader w, String key) {
    String s = w.nonEmptyString(key).strip();
    if (s.matches("0?[0-7]{3}")) {
      String digits = s.substring(s.length() - 3);
      StringBuilder rwx = new StringBuilder();
      for (char c : digits.toCharArray()) {
        int d = c - '0';
        rwx.append((d & 4) != 0 ? 'r' : '-').append((d & 2) != 0 ? 'w' : '-').append((d & 1) != 0 ? 'x' : '-');
      }
      return PosixFilePermissions.fromString(rwx.toString());
    }
    try {
      return PosixFilePermissions.fromString(s);
    } catch (IllegalArgumentException e) {
      throw w.bad(key, "must be an octal mode such as 700 or a string such as rwx------", e);
    }
  }

  private static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return Integer.toOctalString(bits);
  }
}
