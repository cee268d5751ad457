package dev.warden.persistence.journal;

import dev.warden.persistence.internal.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 file of a {@code jdbc:h2:file:} journal, read before anything opens it for writing. H2
 * opening a damaged file for writing repairs it its own way: a file whose chunks are gone becomes
 * a new, empty store, and one whose last chunks are torn goes back to an older chunk and is
 * written over from there. Read-only ({@code ACCESS_MODE_DATA=r}, the file opened with mode "r")
 * H2 sees the same and changes nothing, so the start can compare what it sees with the
 * {@link HighWaterMark}, or refuse a file H2 cannot read, with the file as it was found.
 */
public final class JournalFile {
  private static final String URL_PREFIX = "jdbc:h2:file:";
  /** H2 settings that must not reach the read-only open: it is closed with its last connection. */
  private static final Pattern DROPPED =
      Pattern.compile("(?i)^(DB_CLOSE_DELAY|DB_CLOSE_ON_EXIT|ACCESS_MODE_DATA|IFEXISTS|AUTO_SERVER|AUTO_SERVER_PORT|WRITE_DELAY)=.*");
  /** H2's error code for a database file locked by another process ("Database may be already in use"). */
  private static final int IN_USE = 90020;
  /** H2's error code for a write to a read-only database: the open itself would have written. */
  private static final int WOULD_WRITE = 90097;
  /** H2's error code for a wrong user or password. */
  private static final int WRONG_LOGIN = 28000;
  private static final Logger log = LoggerFactory.getLogger(JournalFile.class);
  private static final Pattern CHANNEL = Pattern.compile("sun\\.nio\\.ch\\.FileChannelImpl@[0-9a-f]+");

  private final Path database;
  private final String readOnlyUrl;
  private final String url;

  private JournalFile(Path database, String readOnlyUrl, String url) {
    this.database = database;
    this.readOnlyUrl = readOnlyUrl;
    this.url = url;
  }

  /** The file of the database at {@code url}, or empty unless it is an H2 file database. */
  public static Optional<JournalFile> of(String url) {
    if (!url.startsWith(URL_PREFIX)) {
      return Optional.empty();
    }
    String[] parts = url.substring(URL_PREFIX.length()).split(";");
    String path = parts[0];
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    StringBuilder ro = new StringBuilder(URL_PREFIX).append(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      if (!parts[i].isBlank() && !DROPPED.matcher(parts[i].strip()).matches()) {
        ro.append(';').append(parts[i]);
      }
    }
    ro.append(";ACCESS_MODE_DATA=r;IFEXISTS=TRUE");
    return Optional.of(new JournalFile(Path.of(path + ".mv.db").toAbsolutePath().normalize(), ro.toString(), url));
  }

  /** H2's {@code .mv.db} file. */
  public Path database() {
    return database;
  }

  /** The URL of the read-only open (for tests). */
  String readOnlyUrl() {
    return readOnlyUrl;
  }

  /**
   * The journal's level as a read-only open of the file finds it: zero for a file that is missing,
   * empty (H2 would make either a new database) or without the journal's table (a first start
   * that stopped before the schema was created). Blocking.
   *
   * @throws IllegalStateException naming the file, its size and H2's reason when H2 cannot open
   *     it (damaged, not an H2 database, unreadable, in use by another process); nothing was written
   */
  public HighWaterMark.Level level(String user, String password) {
    long size = size();
    if (size == 0) {
      return new HighWaterMark.Level(0, 0);
    }
    if (!Files.isReadable(database)) {
      throw new IllegalStateException("the journal database " + database + " is not readable by this user ("
          + System.getProperty("user.name") + "; the file is " + mode() + "); nothing was changed. Run Warden as the"
          + " file's owner, or make the user that runs Warden its owner (chown " + System.getProperty("user.name") + " "
          + database + ").");
    }
    Path lockFile = Path.of(database.toString().replace(".mv.db", ".lock.db"));
    boolean readOnly = !Files.exists(lockFile);
    if (!readOnly) {
      // H2 refuses a read-only open while <name>.lock.db exists (FILE_LOCK=FILE writes one; H2's default
      // ignores a stale one), so the level is read as the node opens the database, as before
      log.info("H2's lock file {} exists, so the journal database is not looked at read-only before the start", lockFile);
    }
    try (Connection c = DriverManager.getConnection(readOnly ? readOnlyUrl : url, user, password)) {
      try {
        return hasJournal(c) ? HighWaterMark.Level.of(c) : new HighWaterMark.Level(0, 0);
      } finally {
        closeIfReadOnly(c);
      }
    } catch (SQLException e) {
      throw unreadable(e, size, user, readOnly);
    }
  }

  /** The file's size; 0 when it does not exist (a new database). */
  private long size() {
    try {
      return Files.isRegularFile(database) ? Files.size(database) : Files.exists(database, LinkOption.NOFOLLOW_LINKS) ? -1 : 0;
    } catch (IOException e) {
      return -1; // H2's open reports it
    }
  }

  /**
   * Closes the database this read-only open started: a DB_CLOSE_DELAY=-1 an earlier start stored in
   * the file keeps it open after its last connection, and the node's own connections in this JVM
   * would join it read-only. A database this JVM had open for writing already is left open.
   */
  private static void closeIfReadOnly(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT READONLY()"); ResultSet rs = ps.executeQuery()) {
      if (!rs.next() || !rs.getBoolean(1)) {
        return;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("SHUTDOWN")) {
      ps.execute();
    }
  }

  private static boolean hasJournal(Connection c) throws SQLException {
    String sql = "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_NAME = 'event_journal'";
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      return rs.next() && rs.getInt(1) > 0;
    }
  }

  private String mode() {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(database)) + ", owner "
          + Files.getOwner(database).getName();
    } catch (IOException | UnsupportedOperationException e) {
      return "of unknown mode";
    }
  }

  /** The start's error for a file H2 could not open read-only: what H2 said, and what the user can do. */
  private IllegalStateException unreadable(SQLException e, long size, String user, boolean readOnly) {
    String h2 = "H2 " + h2Version() + " says: " + reason(e);
    if (e.getErrorCode() == IN_USE) {
      return new IllegalStateException("the journal database " + database + " is in use by another process (is another"
          + " Warden node running on the same data directory?): " + h2, e);
    }
    if (e.getErrorCode() == WRONG_LOGIN) {
      return new IllegalStateException("the journal database " + database + " refuses user " + user
          + " (warden.persistence.user and its password): " + h2, e);
    }
    if (e.getErrorCode() == WOULD_WRITE) {
      h2 = "H2 " + h2Version() + " finds no complete store in it to read, and opened for writing would put a new, empty"
          + " database in its place (" + reason(e) + ")";
    }
    String what = size < 0 ? "" : " (" + String.format(Locale.ROOT, "%,d", size) + " bytes)";
    return new IllegalStateException("cannot read the journal database " + database + what + ": " + h2
        + ". The file is damaged (truncated, overwritten) or is not an H2 database; "
        + (readOnly ? "it was opened read-only and nothing was changed" : "H2's lock file beside it meant it was not opened read-only")
        + ". The node does not start. Put the file back from a backup (its high-water record"
        + " beside it, " + database.getFileName().toString().replace(".mv.db", HighWaterMark.SUFFIX) + ", may stay)."
        + " To salvage rows, run H2's Recover tool on a copy (java -cp h2-" + h2Version() + ".jar org.h2.tools.Recover"
        + " -dir COPY_DIR). To start afresh with an empty journal instead, losing every job it held, move the file"
        + " and its high-water record aside.", e);
  }

  /**
   * H2's message and its causes' (the deepest names the byte offset of a read past the end or a bad
   * checksum), escaped and bounded, with H2's name for the open channel replaced by the file's path.
   */
  String reason(SQLException e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable t = e.getCause();
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause() == t ? null : t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (out.indexOf(m) < 0) {
        out.append("; ").append(m);
      }
    }
    return Printable.of(CHANNEL.matcher(out).replaceAll(Matcher.quoteReplacement(database.toString())), Printable.MAX_CHARS);
  }

  private static String h2Version() {
    String v = org.h2.engine.Constants.VERSION;
    return v == null ? "" : v;
  }
}
