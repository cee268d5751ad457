package dev.warden.persistence.journal;

import dev.warden.core.jmx.JmxRegistry;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.ObjectName;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of Warden's journal and snapshot store: plain JDBC on the node's database
 * (its H2 file, an H2 TCP server or PostgreSQL), one per actor system. Changes go through one writer thread that commits whatever arrived
 * together in one transaction (a group commit: with {@code WRITE_DELAY=0} each commit is written
 * to the file before it returns, so 16 ledger partitions flushing at once cost one such write,
 * not 16). Reads run on a few reader threads, each with a connection of its own. Both queues are
 * bounded; a full queue fails the call at once rather than piling work up.
 *
 * <p>A lone change (nothing queued, no commit running, none for a while: {@link #writeNow}) may
 * instead be committed by its caller on its own thread: handing it to the idle writer and back
 * costs two thread wake-ups, a large part of one waited submit beside the commit itself.
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

  private record Pending(Change change, CompletableFuture<Void> done) {}

  /**
   * How long no commit must have ended for {@link #writeNow} to take a change as lone. Under load
   * commits follow each other closely and changes go to the writer, which groups them; a waited
   * submit's next change comes a few hundred µs after its commit.
   */
  private static final long LONE_AFTER_NANOS = 150_000;

  private final PersistenceSettings db;
  private final JournalSettings settings;
  private final BlockingQueue<Pending> writes;
  private final Thread writer;
  /** Held around every commit: by the writer thread, or by a caller committing a lone change itself. */
  private final ReentrantLock committing = new ReentrantLock();
  /** The writers' connection (opened lazily, replaced after a failure); used under {@link #committing}. */
  private Connection connection;
  /** System.nanoTime when the last commit ended. */
  private volatile long lastCommitEnd;
  private final ExecutorService readers;
  private final ThreadLocal<Connection> readerConnection = new ThreadLocal<>();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private final JournalStats stats;

  JournalDb(PersistenceSettings db, JournalSettings settings) {
    this.db = db;
    this.settings = settings;
    this.writes = new ArrayBlockingQueue<>(settings.queueSize());
    this.stats = new JournalStats(PLUGIN, writes::size);
    AtomicInteger n = new AtomicInteger();
    this.readers =
        new ThreadPoolExecutor(
            settings.readThreads(),
            settings.readThreads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(settings.queueSize()),
            r -> daemon(r, "warden-journal-read-" + n.incrementAndGet()));
    this.lastCommitEnd = System.nanoTime() - LONE_AFTER_NANOS;
    this.writer = daemon(this::writeLoop, "warden-journal-write");
    writer.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** The database's dialect, told from its URL. */
  public Dialect dialect() {
    return db.dialect();
  }

  /** Runs {@code change} in the writer's next transaction; completes once it is committed. */
  public CompletableFuture<Void> write(Change change) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    done.whenComplete((v, e) -> stats.write(e));
    if (closed) {
      done.completeExceptionally(closedError());
    } else if (!writes.offer(new Pending(change, done))) {
      done.completeExceptionally(full("write"));
    } else if (closed && !writer.isAlive()) {
      failQueued(); // closed between the check and the offer: the writer will not take it any more
    }
    return done;
  }

  /**
   * Like {@link #write}, but a lone change (nothing waits to be written, no commit runs, and none
   * ended in the last {@value #LONE_AFTER_NANOS} ns) is committed on the calling thread before this
   * returns, in a transaction of its own. Only for a caller that may block for a commit: a journal
   * plugin's actor on a thread of its own. Changes that come close together still go to the writer
   * and are committed in groups.
   */
  public CompletableFuture<Void> writeNow(Change change) {
    if (closed || !writes.isEmpty() || System.nanoTime() - lastCommitEnd < LONE_AFTER_NANOS || !committing.tryLock()) {
      return write(change);
    }
    try {
      if (!writes.isEmpty()) {
        return write(change); // the writer took one meanwhile: ours joins the group behind it
      }
      CompletableFuture<Void> done = new CompletableFuture<>();
      done.whenComplete((v, e) -> stats.write(e));
      commitOnce(List.of(new Pending(change, done)));
      return done;
    } finally {
      committing.unlock();
    }
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
              out.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(closed ? closedError() : full("read"));
    }
    return out;
  }

  private IllegalStateException closedError() {
    return new IllegalStateException("the journal database " + db.url() + " is closed");
  }

  private RejectedExecutionException full(String queue) {
    return new RejectedExecutionException(
        "journal " + queue + " queue full (" + settings.queueSize() + " waiting, warden.journal.queue-size)");
  }

  private Connection readerConnection() throws SQLException {
    Connection c = readerConnection.get();
    if (c == null || c.isClosed()) {
      c = open(true);
      readerConnection.set(c);
    }
    return c;
  }

  private Connection open(boolean autoCommit) throws SQLException {
    Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
    c.setAutoCommit(autoCommit);
    connections.add(c);
    return c;
  }

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (!closed || !writes.isEmpty()) {
      try {
        Pending first = writes.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        committing.lockInterruptibly();
        try {
          writes.drainTo(batch, settings.maxGroup() - 1);
          commitOnce(batch);
        } finally {
          committing.unlock();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(batch, e);
        return;
      } finally {
        batch.clear();
      }
    }
  }

  /** Commits {@code group} on the writers' connection; the caller holds {@link #committing}. */
  private void commitOnce(List<Pending> group) {
    try {
      if (connection == null || connection.isClosed()) {
        connection = open(false);
      }
      commit(connection, group);
    } catch (Throwable e) { // even an Error: the writer must outlive one bad batch
      fail(group, e);
      closeQuietly(connection); // the next write opens a fresh connection
      connection = null;
    } finally {
      lastCommitEnd = System.nanoTime();
    }
  }

  /** Commits the whole group; if it fails, each change on its own, so one bad change fails only its caller. */
  private void commit(Connection c, List<Pending> group) throws SQLException {
    try {
      for (Pending p : group) {
        p.change.apply(c);
      }
      c.commit();
      stats.committed(group.size());
      group.forEach(p -> p.done.complete(null));
      return;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      if (group.size() == 1) {
        group.get(0).done.completeExceptionally(e);
        return;
      }
    }
    for (Pending p : group) {
      try {
        p.change.apply(c);
        c.commit();
        stats.committed(1);
        p.done.complete(null);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        p.done.completeExceptionally(e);
      }
    }
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

  private static void fail(List<Pending> batch, Throwable e) {
    for (Pending p : batch) {
      p.done.completeExceptionally(e);
    }
  }

  private void closeQuietly(Connection c) {
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
    failQueued();
  }

  private void failQueued() {
    Pending p;
    while ((p = writes.poll()) != null) {
      p.done.completeExceptionally(new IllegalStateException("the journal database " + db.url() + " closed before this write ran"));
    }
  }
}
