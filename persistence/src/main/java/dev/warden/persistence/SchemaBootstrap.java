package dev.warden.persistence;

import dev.warden.core.DataFiles;
import dev.warden.persistence.journal.HighWaterCheck;
import dev.warden.persistence.journal.JournalSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Pekko Persistence JDBC's schema once per process and database URL, by plain JDBC,
 * before any persistent actor starts. Blocking: call it from startup code (a kind's
 * {@code prepare}), never on a hot path.
 *
 * <p>If every plugin table exists the script is skipped. Otherwise the plugin's own script for the
 * URL's {@link Dialect} ({@code schema/h2/h2-create-schema.sql} or
 * {@code schema/postgres/postgres-create-schema.sql}) runs statement by statement with every
 * {@code CREATE INDEX} made {@code IF NOT EXISTS} (the shipped scripts lack it), so a half-created
 * schema from an interrupted first start is completed, not broken, and nodes starting together on
 * one server database do not trip over each other's DDL. On PostgreSQL the tables go to the
 * connection's current schema (the script's {@code public.} is dropped, so
 * {@code ?currentSchema=...} in the URL chooses another) and indexes are built plainly, not
 * {@code CONCURRENTLY} (the tables are new).
 */
public final class SchemaBootstrap {
  /** The H2 DDL shipped in the pekko-persistence-jdbc jar. */
  public static final String SCRIPT = "schema/h2/h2-create-schema.sql";

  private static final Logger log = LoggerFactory.getLogger(SchemaBootstrap.class);
  private static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot", "durable_state");
  private static final Pattern CREATE_INDEX =
      Pattern.compile("(?i)^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?:CONCURRENTLY\\s+)?+(?!IF\\s+NOT\\s+EXISTS)");
  private static final Pattern PUBLIC_SCHEMA = Pattern.compile("(?i)\\bpublic\\.");
  private static final Set<String> READY = ConcurrentHashMap.newKeySet();
  /** PostgreSQL advisory lock key held while the schema is checked and created ("WARDEN01" in ASCII). */
  private static final long DDL_LOCK = 0x57415244454e3031L;

  /** What {@link #ensure} found. */
  public enum Outcome {
    /** The script ran: the schema was missing or incomplete. */
    CREATED,
    /** Every table was there already. */
    ALREADY_PRESENT,
    /** This process checked the URL before; nothing was done. */
    CHECKED_BEFORE
  }

  private SchemaBootstrap() {}

  /**
   * Makes sure the schema exists at the system's journal URL, and validates the journal plugin's
   * settings ({@code warden.journal.*}) so a bad value fails the node's start, not its first replay.
   * First, once per system, compares the journal with its high-water record, reading an H2 file
   * read-only: a database that lost committed rows, or a file H2 cannot read, refuses the start
   * before anything has opened the file for writing ({@link HighWaterCheck}), so a refused start
   * leaves a damaged file as it was found.
   */
  public static Outcome ensure(ActorSystem<?> system) {
    JournalSettings.create(system.settings().config());
    PersistenceSettings settings = PersistenceSettings.create(system);
    DataFiles files = DataFiles.create(system.settings().config());
    if (!READY.contains(settings.url())) {
      prepareFiles(settings.url(), files); // the directory the high-water record may be written to
    }
    HighWaterCheck.once(system);
    return ensure(settings, files);
  }

  /** Like {@link #ensure(PersistenceSettings, DataFiles)} with the reference file modes. */
  public static Outcome ensure(PersistenceSettings settings) {
    return ensure(settings, DataFiles.reference());
  }

  /**
   * Makes sure the schema exists at {@code settings.url()}; checks the database once per process.
   * For an H2 file, its directory and files are created (or tightened) with {@code files}' modes
   * first, so H2 never creates them world-readable.
   */
  public static Outcome ensure(PersistenceSettings settings, DataFiles files) {
    if (READY.contains(settings.url())) {
      return Outcome.CHECKED_BEFORE;
    }
    synchronized (SchemaBootstrap.class) {
      if (READY.contains(settings.url())) {
        return Outcome.CHECKED_BEFORE;
      }
      Outcome outcome = bootstrap(settings, files);
      READY.add(settings.url());
      return outcome;
    }
  }

  /** Forgets which URLs were checked, as if the process restarted. For tests. */
  static void forgetCheckedUrls() {
    READY.clear();
  }

  private static Outcome bootstrap(PersistenceSettings settings, DataFiles files) {
    long start = System.nanoTime();
    prepareFiles(settings.url(), files);
    try (Connection c = settings.connect()) {
      boolean server = serializeDdl(c, settings.dialect());
      Outcome outcome;
      if (missingTables(c, settings.dialect()) == 0) {
        outcome = Outcome.ALREADY_PRESENT;
      } else {
        runScript(c, settings.dialect());
        outcome = Outcome.CREATED;
      }
      if (server) {
        c.commit();
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      log.info(
          "journal schema ready at {}: {} in {} ms",
          settings.url(),
          outcome == Outcome.CREATED ? "created" : "already present",
          ms);
      return outcome;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the journal schema at " + settings.url() + ": " + e.getMessage(), e);
    }
  }

  /**
   * On PostgreSQL, opens a transaction on {@code c} holding the advisory lock every Warden DDL takes,
   * so nodes starting together on one database run their {@code CREATE ... IF NOT EXISTS} one after
   * the other (concurrent ones can still fail there, on the catalog's unique index); the caller
   * commits, which releases the lock. Answers whether it did (false on H2, where nothing is needed).
   */
  public static boolean serializeDdl(Connection c, Dialect dialect) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return false;
    }
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
    }
    return true;
  }

  private static int missingTables(Connection c, Dialect dialect) throws SQLException {
    String schema = dialect == Dialect.H2 ? "'PUBLIC'" : "current_schema()";
    String sql =
        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = " + schema + " AND TABLE_NAME IN (?, ?, ?, ?)";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < TABLES.size(); i++) {
        ps.setString(i + 1, TABLES.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return TABLES.size() - rs.getInt(1);
      }
    }
  }

  private static void runScript(Connection c, Dialect dialect) throws SQLException {
    try (Statement st = c.createStatement()) {
      for (String ddl : statements(readScript(dialect.script()))) {
        st.execute(guarded(ddl, dialect));
      }
    }
  }

  /** One statement of the script as it runs: indexes only if missing; on PostgreSQL in the current schema. */
  static String guarded(String ddl, Dialect dialect) {
    String out = CREATE_INDEX.matcher(ddl).replaceFirst(m -> "CREATE " + (m.group(1) == null ? "" : "UNIQUE ") + "INDEX IF NOT EXISTS ");
    return dialect == Dialect.POSTGRESQL ? PUBLIC_SCHEMA.matcher(out).replaceAll("") : out;
  }

  /** The script's statements: split at ';', comments and blanks dropped. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String stmt = current.toString().strip();
        out.add(stmt.substring(0, stmt.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }

  private static String readScript(String script) {
    try (InputStream in = SchemaBootstrap.class.getClassLoader().getResourceAsStream(script)) {
      if (in == null) {
        throw new IllegalStateException(script + " not found: is pekko-persistence-jdbc on the classpath?");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + script, e);
    }
  }

  /**
   * For {@code jdbc:h2:file:<path>[;options]}: creates the directory the file lives in, and the
   * database and trace files (empty, which H2 takes as a new database) with the file mode, or sets
   * that mode on them if they exist. H2 creates files with the process umask (often 644).
   */
  private static void prepareFiles(String url, DataFiles files) {
    String prefix = "jdbc:h2:file:";
    if (!url.startsWith(prefix)) {
      return;
    }
    String file = url.substring(prefix.length());
    int semi = file.indexOf(';');
    file = semi < 0 ? file : file.substring(0, semi);
    if (file.startsWith("~")) {
      return;
    }
    Path base = Path.of(file).toAbsolutePath().normalize();
    if (base.getParent() == null) {
      return;
    }
    files.directory(base.getParent(), "warden.persistence.h2.file");
    refuseReadOnly(base.resolveSibling(base.getFileName() + ".mv.db"));
    for (String suffix : H2_FILES) {
      Path f = base.resolveSibling(base.getFileName() + suffix);
      try {
        files.file(f);
      } catch (IOException e) {
        throw new IllegalStateException("cannot create " + f + " owner-only: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Refuses a database file its owner may not read and write (chmod 444, 000): someone made it read-only, e.g. to
   * keep it as it is, and setting the file mode on it (as for any other file) would make it writable
   * again and let the node write to it. The owner's write bit is what counts, so root is refused too.
   */
  private static void refuseReadOnly(Path db) {
    try {
      if (Files.isRegularFile(db) && db.getFileSystem().supportedFileAttributeViews().contains("posix")
          && !Files.getPosixFilePermissions(db).containsAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(db));
        throw new IllegalStateException("the journal database " + db + " is read-only (" + mode + ": its owner may not"
            + " read and write it), and the node writes its journal there; nothing was changed. To start on it, make it"
            + " writable again (chmod 600 " + db + "); to look at it without changing it, start on a copy.");
      }
    } catch (IOException e) {
      // the open that follows reports an unreadable file
    }
  }

  /** The files H2 keeps beside a database: the store and the trace (error) log. */
  private static final List<String> H2_FILES = List.of(".mv.db", ".trace.db");
}
