package dev.warden.persistence.journal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/** The journal's figures as JMX reads them, counted live by {@link JournalDb}; all zero under another plugin. */
final class JournalStats implements JournalMXBean {
  private final String plugin;
  private final IntSupplier queuedWrites;
  private final LongAdder commits = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder failedWrites = new LongAdder();
  private final LongAdder reads = new LongAdder();
  private final LongAdder failedReads = new LongAdder();
  private final AtomicInteger largestGroup = new AtomicInteger();
  private volatile String lastFailure = "";

  JournalStats(String plugin, IntSupplier queuedWrites) {
    this.plugin = plugin;
    this.queuedWrites = queuedWrites;
  }

  void write(Throwable failure) {
    counted(failure, writes, failedWrites, "write");
  }

  void read(Throwable failure) {
    counted(failure, reads, failedReads, "read");
  }

  private void counted(Throwable failure, LongAdder ok, LongAdder failed, String what) {
    if (failure == null) {
      ok.increment();
    } else {
      failed.increment();
      lastFailure = what + ": " + failure;
    }
  }

  void committed(int groupSize) {
    commits.increment();
    largestGroup.accumulateAndGet(groupSize, Math::max);
  }

  @Override
  public String getPlugin() {
    return plugin;
  }

  @Override
  public long getCommits() {
    return commits.sum();
  }

  @Override
  public long getWrites() {
    return writes.sum();
  }

  @Override
  public long getFailedWrites() {
    return failedWrites.sum();
  }

  @Override
  public int getLargestGroup() {
    return largestGroup.get();
  }

  @Override
  public int getQueuedWrites() {
    return queuedWrites.getAsInt();
  }

  @Override
  public long getReads() {
    return reads.sum();
  }

  @Override
  public long getFailedReads() {
    return failedReads.sum();
  }

  @Override
  public String getLastFailure() {
    return lastFailure;
  }
}
