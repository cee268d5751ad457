package dev.warden.persistence.ledger;

import dev.warden.core.Asks;
import dev.warden.persistence.ledger.internal.ClusterPlacement;
import dev.warden.persistence.ledger.internal.LedgerPartition;
import dev.warden.persistence.ledger.internal.LedgerRoot;
import dev.warden.persistence.ledger.internal.PartitionIncarnations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator control of the ledger: pausing and resuming job types (for {@link JobLedger} and JMX)
 * and the {@link LedgerMXBean} the ledger kind registers.
 */
final class LedgerControl implements LedgerMXBean {
  private static final Logger log = LoggerFactory.getLogger(LedgerControl.class);

  private final ActorSystem<?> system;
  private final LedgerRoot.Handle handle;

  LedgerControl(ActorSystem<?> system, LedgerRoot.Handle handle) {
    this.system = system;
    this.handle = handle;
  }

  /**
   * Writes the pause (or resume) of {@code type} in every partition; completes once all have, within
   * ask-timeout. A Hold is idempotent (a partition that already holds the type as asked answers
   * without writing), so one that may be lost is asked again. Cluster mode: one lost in a partition's
   * hand-over, after warden.ledger.cluster.try-timeout. Local mode: one lost in Pekko's stash when the
   * partition's incarnation ended behind a failed journal write or recovery ({@link PartitionIncarnations}),
   * at once (after a pause of 100 ms, doubling up to 1 s, while the partition keeps failing).
   */
  static CompletionStage<Void> hold(ActorSystem<?> system, LedgerRoot.Handle handle, String type, boolean paused) {
    try {
      JobType.checkName(type);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    List<CompletableFuture<Done>> all = new ArrayList<>();
    long deadline = System.nanoTime() + handle.settings().askTimeout().toNanos();
    List<ActorRef<LedgerPartition.Command>> partitions = handle.partitions();
    for (int i = 0; i < partitions.size(); i++) {
      ActorRef<LedgerPartition.Command> p = partitions.get(i);
      org.apache.pekko.japi.function.Function<ActorRef<Done>, LedgerPartition.Command> hold = r -> new LedgerPartition.Hold(type, paused, r);
      if (handle.clustered()) {
        // A Hold lost in a partition's hand-over is asked again, like a submit (it is idempotent).
        Duration once = ClusterPlacement.tryTimeout(system.settings().config());
        all.add(Retries.until(system, deadline, () -> Asks.<LedgerPartition.Command, Done>ask(system, p, hold, once),
            d -> false, (n, t) -> true).toCompletableFuture());
      } else {
        // A Hold stashed by an incarnation that ended is never answered: asked again at once, each try for the time left.
        int partition = i;
        PartitionIncarnations incarnations = handle.stats().incarnations();
        all.add(Retries.until(system, deadline,
            () -> incarnations.<Done>tie(partition, () -> Asks.<LedgerPartition.Command, Done>ask(system, p, hold, Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))),
                why -> new LedgerBusyException(why + " before it wrote the " + (paused ? "pause" : "resume") + " of job type ["
                    + type + "]; it was asked again until warden.ledger.ask-timeout (" + handle.settings().askTimeout() + ")"),
                system.executionContext()),
            d -> false, (n, t) -> t instanceof LedgerBusyException).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
        .thenRun(() -> log.info("ledger job type [{}] {} on all [{}] partitions", type, paused ? "paused" : "resumed", all.size()));
  }

  @Override
  public List<String> getPausedTypes() {
    return List.copyOf(handle.stats().paused());
  }

  @Override
  public Map<String, Integer> getRunningPerType() {
    return handle.permits().inUse();
  }

  @Override
  public Map<String, Map<String, Long>> getCounts() {
    return handle.stats().counts();
  }

  @Override
  public List<Integer> getPartitionsHere() {
    return handle.stats().hosted();
  }

  @Override
  public List<String> getClusterMembers() {
    if (!handle.clustered()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (org.apache.pekko.cluster.Member m : org.apache.pekko.cluster.typed.Cluster.get(system).state().getMembers()) {
      out.add(m.address() + " " + m.status());
    }
    return out;
  }

  @Override
  public Map<String, Integer> getClusterAsks() {
    return handle.stats().gates();
  }

  @Override
  public String pauseType(String type) {
    return await(type, true);
  }

  @Override
  public String resumeType(String type) {
    return await(type, false);
  }

  private String await(String type, boolean paused) {
    try {
      hold(system, handle, type, paused).toCompletableFuture().get(handle.settings().askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
      return "job type [" + type + "] " + (paused ? "paused" : "resumed");
    } catch (Exception e) {
      throw new IllegalStateException("could not " + (paused ? "pause" : "resume") + " job type [" + type + "]: " + e.getMessage());
    }
  }
}
