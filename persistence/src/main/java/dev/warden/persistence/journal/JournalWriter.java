package dev.warden.persistence.journal;

import dev.warden.persistence.journal.JournalDb.Change;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of a {@link JournalDb}: one thread that commits whatever arrived together in
 * one transaction (a group commit), fed by a bounded queue that refuses at once when full.
 *
 * <p>A lone change (nothing queued, no commit running, none for a while: {@link #writeNow}) may
 * instead be committed by its caller on its own thread: handing it to the idle writer and back
 * costs two thread wake-ups, a large part of one waited submit beside the commit itself.
 */
final class JournalWriter {
  private record Pending(Change change, CompletableFuture<Void> done) {}

  /**
   * How long no commit must have ended for {@link #writeNow} to take a change as lone. Under load
   * commits follow each other closely and changes go to the writer, which groups them; a waited
   * submit's next change comes a few hundred µs after its commit.
   */
  static final long LONE_AFTER_NANOS = 150_000;

  /** The facade: its closed flag, its errors, and the connections it closes. */
  private final JournalDb owner;
  private final JournalSettings settings;
  private final JournalStats stats;
  private final BlockingQueue<Pending> writes;
  private final Thread writer;
  /** Held around every commit: by the writer thread, or by a caller committing a lone change itself. */
  private final ReentrantLock committing = new ReentrantLock();
  /** The writers' connection (opened lazily, replaced after a failure); used under {@link #committing}. */
  private Connection connection;
  /** System.nanoTime when the last commit ended. */
  private volatile long lastCommitEnd;

  /** Starts the writer thread of {@code owner}. */
  JournalWriter(JournalDb owner, JournalSettings settings, JournalStats stats) {
    this.owner = owner;
    this.settings = settings;
    this.stats = stats;
    this.writes = new ArrayBlockingQueue<>(settings.queueSize());
    this.lastCommitEnd = System.nanoTime() - LONE_AFTER_NANOS;
    this.writer = JournalDb.daemon(this::writeLoop, "warden-journal-write");
    writer.start();
  }

  /** How many changes wait for the writer. */
  int queued() {
    return writes.size();
  }

  /** See {@link JournalDb#write}. */
  CompletableFuture<Void> write(Change change) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    done.whenComplete((v, e) -> stats.write(e));
    if (owner.isClosed()) {
      done.completeExceptionally(owner.closedError());
    } else if (!writes.offer(new Pending(change, done))) {
      done.completeExceptionally(owner.full("write"));
    } else if (owner.isClosed() && !writer.isAlive()) {
      failQueued(); // closed between the check and the offer: the writer will not take it any more
    }
    return done;
  }

  /** See {@link JournalDb#writeNow}. */
  CompletableFuture<Void> writeNow(Change change) {
    if (owner.isClosed() || !writes.isEmpty() || System.nanoTime() - lastCommitEnd < LONE_AFTER_NANOS || !committing.tryLock()) {
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

  private void writeLoop() {
    List<Pending> batch = new ArrayList<>();
    while (!owner.isClosed() || !writes.isEmpty()) {
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
        connection = owner.open(false);
      }
      commit(connection, group);
    } catch (Throwable e) { // even an Error: the writer must outlive one bad batch
      fail(group, owner.explain(e));
      owner.failed();
      owner.closeQuietly(connection); // the next write opens a fresh connection
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
      rollback(c, e);
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
        rollback(c, e);
        p.done.completeExceptionally(e);
      }
    }
  }

  /**
   * Rolls back after {@code failure}; a rollback that fails too (the connection was lost, e.g. to the
   * socket timeout) throws {@code failure} itself, with the rollback's error suppressed in it, so
   * callers see why the write failed rather than "connection closed".
   */
  private static void rollback(Connection c, Exception failure) throws SQLException {
    try {
      c.rollback();
    } catch (SQLException | RuntimeException r) {
      failure.addSuppressed(r);
      if (failure instanceof SQLException sql) {
        throw sql;
      }
      throw (RuntimeException) failure;
    }
  }

  private static void fail(List<Pending> batch, Throwable e) {
    for (Pending p : batch) {
      p.done.completeExceptionally(e);
    }
  }

  /** Waits up to {@code millis} for the writer thread to commit what was queued and stop. */
  void join(long millis) throws InterruptedException {
    writer.join(millis);
  }

  /** Fails every change still queued: the database closed before the writer took it. */
  void failQueued() {
    Pending p;
    while ((p = writes.poll()) != null) {
      p.done.completeExceptionally(new IllegalStateException("the journal database " + owner.url() + " closed before this write ran"));
    }
  }
}
