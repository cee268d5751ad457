package dev.warden.persistence.journal;

import dev.warden.core.jmx.JmxRegistry;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of Warden's journal and snapshot store: plain JDBC on the node's database
 * (its H2 file, an H2 TCP server or PostgreSQL), one per actor system. Changes go through one writer thread that commits whatever arrived
 * together in one transaction (a group commit: with {@code WRITE_DELAY=0} each commit is written
 * to the file before it returns, so 16 ledger partitions flushing at once cost one such write,
 * not 16). Reads run on a few reader threads, each with a connection of its own. Both queues are
 * bounded; a full queue fails the call at once rather than piling work up. The writer side is
 * {@link JournalWriter}; this class owns the readers, the connections and closing.
 */
public final class JournalDb implements Extension {
  /** One unit of work on a connection inside the writer's transaction. */
  @FunctionalInterface
  public interface Change {
    void apply(Connection c) throws SQLException;
  }

  /** A read on a reader thread's connection. */
  @FunctionalInterface
  public interface Read<T> {
    T apply(Connection c) throws Exception;
  }

  private static final Logger log = LoggerFactory.getLogger(JournalDb.class);
  /** How long checking a connection after a failure may take ({@link Connection#isValid}). */
  private static final int VALID_TIMEOUT_SECONDS = 5;
  /** SQLState classes of a lost database, see {@link #isOutage}. */
  private static final Set<String> OUTAGE_STATES = Set.of("08", "57", "53", "40");

  /** The plugin id of Warden's journal ({@code pekko.persistence.journal.plugin}). */
  public static final String PLUGIN = "warden-journal";

  /** The extension id: {@code JournalDb.ID.get(system)}. */
  public static final AbstractExtensionId<JournalDb> ID =
      new AbstractExtensionId<>() {
        @Override
        public JournalDb createExtension(ExtendedActorSystem system) {
          JournalDb db = new JournalDb(PersistenceSettings.create(system.settings().config()), JournalSettings.create(system.settings().config()));
          system.registerOnTermination(db::close);
          return db;
        }
      };

  private final PersistenceSettings db;
  private final JournalSettings settings;
  private final JournalWriter writer;
  private final ExecutorService readers;
  /** Each reader thread's connection, and the {@link #failures} it last checked it against. */
  private final ThreadLocal<Reader> reader = ThreadLocal.withInitial(Reader::new);
  /**
   * How many failures the journal's connections met (a write or read failed): when it moved since a
   * reader's last read, the reader checks its connection before using it. A database restart or
   * fail-over drops every connection at once; without the check each reader would fail one read
   * (a partition's recovery) on its dead connection before opening a fresh one.
   */
  private final AtomicLong failures = new AtomicLong();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final JournalStats stats;

  JournalDb(PersistenceSettings db, JournalSettings settings) {
    this.db = db;
    this.settings = settings;
    this.stats = new JournalStats(PLUGIN, this::queuedWrites);
    AtomicInteger n = new AtomicInteger();
    this.readers =
        new ThreadPoolExecutor(
            settings.readThreads(),
            settings.readThreads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(settings.queueSize()),
            r -> daemon(r, "warden-journal-read-" + n.incrementAndGet()));
    this.writer = new JournalWriter(this, settings, stats);
  }

  /** An unstarted daemon thread (the writer's and the readers'), so the journal never holds the JVM up. */
  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** How many changes wait for the writer (a method, not {@code writer::queued}: the stats come first). */
  private int queuedWrites() {
    return writer.queued();
  }

  /** Whether {@link #close} began: no more work is taken. */
  boolean isClosed() {
    return closed;
  }

  /** The database's URL, for error messages. */
  String url() {
    return db.url();
  }

  /** The database's dialect, told from its URL. */
  public Dialect dialect() {
    return db.dialect();
  }

  /** Runs {@code change} in the writer's next transaction; completes once it is committed. */
  public CompletableFuture<Void> write(Change change) {
    return writer.write(change);
  }

  /**
   * Like {@link #write}, but a lone change (nothing waits to be written, no commit runs, and none
   * ended in the last {@value JournalWriter#LONE_AFTER_NANOS} ns) is committed on the calling thread
   * before this returns, in a transaction of its own. Only for a caller that may block for a commit:
   * a journal plugin's actor on a thread of its own. Changes that come close together still go to
   * the writer and are committed in groups.
   */
  public CompletableFuture<Void> writeNow(Change change) {
    return writer.writeNow(change);
  }

  /** Runs {@code read} on a reader thread's own connection (auto-commit). */
  public <T> CompletableFuture<T> read(Read<T> read) {
    CompletableFuture<T> out = new CompletableFuture<>();
    out.whenComplete((v, e) -> stats.read(e));
    try {
      readers.execute(
          () -> {
            try {
              out.complete(read.apply(readerConnection()));
            } catch (Throwable e) {
              failed();
              out.completeExceptionally(explain(e));
            }
          });
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(closed ? closedError() : full("read"));
    }
    return out;
  }

  IllegalStateException closedError() {
    return new IllegalStateException("the journal database " + db.url() + " is closed");
  }

  RejectedExecutionException full(String queue) {
    return new RejectedExecutionException(
        "journal " + queue + " queue full (" + settings.queueSize() + " waiting, warden.journal.queue-size)");
  }

  /**
   * Whether {@code failure} came from losing the journal's database rather than from what was
   * written or read: an {@link SQLException} in its cause chain that is about the connection (JDBC's
   * transient, recoverable and connection categories, or SQLState class 08 connection exception, 57
   * operator intervention such as a server shutting down, 53 insufficient resources, 40 transaction
   * rollback), or Pekko's circuit breaker around the plugin being open after such failures, or a
   * call that timed out (a database that does not answer). Not a damaged file, a constraint
   * violation or bad data: restarting cannot cure those.
   * A partition that fails that way restarts until the database is back, not counted as a crash of
   * its own.
   */
  public static boolean isOutage(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof SQLNonTransientConnectionException
          || t instanceof CircuitBreakerOpenException || t instanceof TimeoutException) {
        return true;
      }
      String state = t instanceof SQLException sql ? sql.getSQLState() : null;
      if (state != null && state.length() >= 2 && OUTAGE_STATES.contains(state.substring(0, 2))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code failure}, or, when the database did not answer within the socket timeout, a lost connection
   * (SQLState 08006, an outage) that says so and names the setting, with {@code failure} as its cause.
   */
  Throwable explain(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SocketTimeoutException && !db.socketTimeout().isZero()) {
        return new SQLTransientConnectionException("the journal database " + db.url() + " did not answer within "
            + db.socketTimeout().toSeconds() + "s (warden.persistence.socket-timeout); the connection is dropped and a fresh"
            + " one opened for the next call", "08006", failure);
      }
    }
    return failure;
  }

  /** A write or read failed: connections are checked before their next read ({@link #failures}). */
  void failed() {
    failures.incrementAndGet();
  }

  private static final class Reader {
    Connection connection;
    long sawFailures;
  }

  private Connection readerConnection() throws SQLException {
    Reader r = reader.get();
    long now = failures.get();
    if (r.connection != null && r.sawFailures != now) {
      r.sawFailures = now;
      if (!r.connection.isClosed() && !r.connection.isValid(VALID_TIMEOUT_SECONDS)) {
        closeQuietly(r.connection);
      }
    }
    if (r.connection == null || r.connection.isClosed()) {
      r.connection = open(true);
    }
    return r.connection;
  }

  Connection open(boolean autoCommit) throws SQLException {
    Connection c = db.connect();
    c.setAutoCommit(autoCommit);
    connections.add(c);
    return c;
  }

  /**
   * Puts the journal's figures on JMX as {@code type=Journal} of the node, unless a kind did already
   * (the checkpointer and the ledger both offer it, so a node with either has it). Returns the name
   * when this call registered it (the caller unregisters it when it stops), else null.
   */
  public static ObjectName registerMBean(JmxRegistry jmx, ActorSystem<?> system) {
    ObjectName name = jmx.name("Journal", null);
    return jmx.registerIfAbsent(name, mxBean(system)) ? name : null;
  }

  /**
   * The journal's figures for JMX on {@code system}: this database's when the system's journal is
   * {@link #PLUGIN}, else zeros that name the plugin in use.
   */
  public static JournalMXBean mxBean(ActorSystem<?> system) {
    String plugin = system.settings().config().getString("pekko.persistence.journal.plugin");
    return PLUGIN.equals(plugin) ? ID.get(Adapter.toClassic(system)).stats : new JournalStats(plugin, () -> 0);
  }

  void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    connections.remove(c);
    try {
      c.close();
    } catch (SQLException e) {
      log.debug("closing a journal connection to {}: {}", db.url(), e.toString());
    }
  }

  /** Stops taking work, lets the writer commit what was queued, and closes every connection. */
  void close() {
    closed = true;
    readers.shutdown();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
      readers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connections.forEach(this::closeQuietly);
    writer.failQueued();
  }
}
