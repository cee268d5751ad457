package dev.warden.persistence.journal;

import dev.warden.core.WardenConfigException;
import dev.warden.persistence.internal.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small record kept beside an H2 database file ({@code <file>.highwater}, owner-only) of how far
 * the journal had got: its highest {@code ordering} and its row count, with the time it was
 * written. The checkpointer writes it after each checkpoint and after the final one at a clean
 * stop, from figures read <em>before</em> that checkpoint, so it is a lower bound of what the
 * database file must hold. A start compares ({@link HighWaterCheck}): a journal whose highest ordering
 * is below the record's lost committed rows (the file was truncated, torn, rolled back to an older
 * copy or replaced) and the start is refused unless {@code warden.journal.accept-loss} is on.
 *
 * <p>Written atomically: a temporary file is written and forced to the device, renamed over the
 * record, and the directory forced, so a crash leaves the old record or the new one. The highest
 * ordering is the measure because it only grows (a delete of messages keeps each persistence id's
 * highest row); the row count can fall legitimately and is reported, not compared.
 */
public final class HighWaterMark {
  /** Suffix of the record's file, after the database's path without H2's ".mv.db". */
  public static final String SUFFIX = ".highwater";
  /** Largest record read; a bigger file is not a record Warden wrote. */
  static final int MAX_BYTES = 4096;
  private static final int FORMAT = 1;
  private static final String URL_PREFIX = "jdbc:h2:file:";
  private static final Set<String> KEYS = Set.of("format", "written-at", "journal-max-ordering", "journal-rows");

  /** What the journal held: its highest ordering (0 when empty) and its rows. */
  public record Level(long maxOrdering, long rows) {
    /** The journal's level now: two queries the table's indexes answer. */
    public static Level of(Connection c) throws SQLException {
      return new Level(
          Sql.number(c, "SELECT MAX(\"ordering\") FROM \"event_journal\"", ps -> {}),
          Sql.number(c, "SELECT COUNT(*) FROM \"event_journal\"", ps -> {}));
    }
  }

  /** A record as its file holds it. */
  record Mark(Level level, Instant writtenAt) {}

  private final Path file;
  private final Path database;

  HighWaterMark(Path file, Path database) {
    this.file = file;
    this.database = database;
  }

  /**
   * The record of the database at {@code url}, or empty unless it is an H2 file database
   * ({@code jdbc:h2:file:...}): a server database keeps its own durability.
   */
  public static Optional<HighWaterMark> of(String url) {
    if (!url.startsWith(URL_PREFIX)) {
      return Optional.empty();
    }
    String path = url.substring(URL_PREFIX.length());
    int semi = path.indexOf(';');
    path = semi < 0 ? path : path.substring(0, semi);
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    Path base = Path.of(path).toAbsolutePath().normalize();
    return Optional.of(new HighWaterMark(Path.of(base + SUFFIX), Path.of(base + ".mv.db")));
  }

  /** The record's file. */
  public Path file() {
    return file;
  }

  /** The database file it speaks for (H2's {@code .mv.db}). */
  public Path database() {
    return database;
  }

  /**
   * Replaces the record with {@code level}, written now, atomically and forced to the device.
   * Blocking (a few small writes and two fsyncs): call it off actor threads.
   */
  public void write(Level level) throws IOException {
    write(new Mark(level, Instant.now().truncatedTo(ChronoUnit.SECONDS)));
  }

  void write(Mark mark) throws IOException {
    String text = "# Warden's journal high-water record: the database " + database.getFileName() + " beside it held at least\n"
        + "# this much when it was written. Written by Warden; see warden.journal.accept-loss before touching it.\n"
        + "format=" + FORMAT + "\n"
        + "written-at=" + mark.writtenAt() + "\n"
        + "journal-max-ordering=" + mark.level().maxOrdering() + "\n"
        + "journal-rows=" + mark.level().rows() + "\n";
    Path tmp = Path.of(file + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    forceDirectory(file.getParent());
  }

  private FileAttribute<?>[] ownerOnly() {
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  /** Makes the rename durable; not every platform can open a directory, and there it is skipped. */
  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // the rename is atomic all the same; only its durability across a power cut is weaker
    }
  }

  /**
   * The record, or empty when there is none. A file that is too big or not a record this class
   * wrote is refused with a {@link WardenConfigException} naming the file, the line and what is
   * wrong (its content escaped), never half-read.
   */
  Optional<Mark> read() {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw garbled("cannot be read: " + Printable.describe(e));
    }
    if (bytes.length == 0) {
      throw garbled("is empty (0 bytes)");
    }
    if (bytes.length > MAX_BYTES) {
      throw garbled("is larger than " + MAX_BYTES + " bytes, so it is not a record Warden wrote");
    }
    return Optional.of(parse(new String(bytes, StandardCharsets.ISO_8859_1)));
  }

  private Mark parse(String text) {
    Map<String, String> values = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String key = eq < 0 ? "" : line.substring(0, eq).strip();
      if (!KEYS.contains(key) || values.containsKey(key)) {
        throw garbled("line " + (i + 1) + " [" + Printable.of(line, 80) + "] is not one of " + KEYS + " (once each)");
      }
      values.put(key, line.substring(eq + 1).strip());
    }
    for (String key : KEYS) {
      if (!values.containsKey(key)) {
        throw garbled("has no " + key + " line");
      }
    }
    if (!values.get("format").equals(Integer.toString(FORMAT))) {
      throw garbled("has format [" + Printable.of(values.get("format"), 20) + "]; this Warden reads format " + FORMAT);
    }
    Instant writtenAt;
    try {
      writtenAt = Instant.parse(values.get("written-at"));
    } catch (DateTimeParseException e) {
      throw garbled("has written-at [" + Printable.of(values.get("written-at"), 40) + "], not an ISO-8601 instant");
    }
    return new Mark(new Level(count(values, "journal-max-ordering"), count(values, "journal-rows")), writtenAt);
  }

  private long count(Map<String, String> values, String key) {
    String v = values.get(key);
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw garbled("has " + key + " [" + Printable.of(v, 40) + "], not a number >= 0");
  }

  private WardenConfigException garbled(String what) {
    return new WardenConfigException(HighWaterCheck.ACCEPT_LOSS, "the journal's high-water record " + file + " " + what
        + ". It is written by Warden beside " + database + " to notice a database that lost committed rows. Check that the"
        + " data directory holds what you expect; then delete the record (it is written afresh from the database) or start"
        + " once with " + HighWaterCheck.ACCEPT_LOSS + " = on.");
  }

  /** {@code n} with thousands separators, as messages show it: 10,950. */
  static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
