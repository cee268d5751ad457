package dev.warden.persistence.ledger.internal;

import dev.warden.core.KindContext;
import dev.warden.core.metrics.NodeMeters;
import dev.warden.persistence.journal.JournalDb;
import dev.warden.persistence.journal.JournalMeters;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerMXBean;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import javax.management.ObjectName;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Root of the {@code ledger} kind: one supervised child per partition plus the reaper; hands out
 * the partitions to {@link dev.warden.persistence.ledger.JobLedger}, forwards partition-to-partition messages, logs the node's
 * one recovery line and drains the partitions at graceful stop.
 */
public final class LedgerRoot extends AbstractBehavior<LedgerRoot.Command> {
  public sealed interface Command permits GetHandle, ToPartition, Stop, ReapNow, WrappedRecovered, Drained, Probe, Probed {}

  /**
   * What the facade needs; refs are stable across partition restarts. In cluster mode each ref is
   * a local forwarder to the partition's sharded entity, and {@code clustered} is true.
   */
  public record Handle(List<ActorRef<LedgerPartition.Command>> partitions, LedgerSettings settings, LedgerStats stats, NodePermits permits,
      boolean clustered) {
    public Handle(List<ActorRef<LedgerPartition.Command>> partitions, LedgerSettings settings, LedgerStats stats, NodePermits permits) {
      this(partitions, settings, stats, permits, false);
    }
  }

  public record GetHandle(ActorRef<Handle> replyTo) implements Command {}

  /** Partition-to-partition traffic goes through here (a cluster mode would use sharding instead). */
  public record ToPartition(int partition, LedgerPartition.Command message) implements Command {}

  public record Stop(ActorRef<Done> replyTo) implements Command {}

  public enum ReapNow implements Command {
    INSTANCE
  }

  private record WrappedRecovered(LedgerPartition.Recovered recovered) implements Command {}

  /** A partition drained; {@code timedOut}: the wait for the rest is over. */
  private record Drained(Done done, boolean timedOut) implements Command {
    Drained(Done done) {
      this(done, false);
    }
  }

  /** Cluster mode: ask every partition, wherever it lives, whether it answers (readiness). */
  private enum Probe implements Command {
    INSTANCE
  }

  private record Probed(long run, int partition, boolean answered) implements Command {}

  /** {@code control}: the ledger's MBean over the handle, registered as {@code type=Ledger} while the root lives. */
  public static Behavior<Command> create(KindContext kctx, BiFunction<ActorSystem<?>, Handle, LedgerMXBean> control) {
    return Behaviors.setup(ctx -> new LedgerRoot(ctx, kctx, control));
  }

  private final KindContext kctx;
  /** The journal's MBean when this ledger registered it (the first kind to offer it, e.g. on a node without a checkpointer), else null. */
  private final ObjectName journalMBean;
  private final ObjectName ledgerMBean;
  private final Handle handle;
  private final ActorRef<Reaper.Command> reaper;
  private final long started = System.nanoTime();
  /** Cluster mode: the readiness probe's period (warden.ledger.cluster.try-timeout); null in local mode. */
  private final Duration probeEvery;
  private final int[] found = new int[6];
  private final boolean[] recovered;
  private int recoveredCount;
  private long firstRecoveredMs;
  private ActorRef<Done> stopReply;
  private int drained;
  private int toDrain;
  /** Cluster mode: this node's placement of the partitions; null in local mode. */
  private final ClusterPlacement placement;
  /** Cluster mode: the probe run in progress and the partitions that answered it. */
  private long probeRun;
  private final java.util.BitSet probeAnswered = new java.util.BitSet();

  private LedgerRoot(ActorContext<Command> ctx, KindContext kctx, BiFunction<ActorSystem<?>, Handle, LedgerMXBean> control) {
    super(ctx);
    this.kctx = kctx;
    LedgerSettings settings = LedgerSettings.create(kctx.config());
    LedgerStats stats = new LedgerStats(settings.partitions());
    NodePermits permits = new NodePermits(settings.partitions());
    ActorRef<LedgerPartition.Recovered> onRecovered = ctx.messageAdapter(LedgerPartition.Recovered.class, WrappedRecovered::new);
    List<ActorRef<LedgerPartition.Command>> partitions = new ArrayList<>();
    boolean clustered = ClusterPlacement.enabled(kctx.config());
    if (clustered) {
      Map<String, JobType> types = new ConcurrentHashMap<>();
      placement = ClusterPlacement.start(ctx.getSystem(),
          new ClusterPlacement.Host(settings, stats, permits, ctx.getSelf(), onRecovered, types));
      for (int i = 0; i < settings.partitions(); i++) {
        partitions.add(ctx.spawn(PartitionForwarder.create(placement.entity(i), types), "partition-" + i));
      }
      stats.clustered(true);
      Duration every = ClusterPlacement.tryTimeout(kctx.config());
      ctx.getSelf().tell(Probe.INSTANCE);
      this.probeEvery = every;
    } else {
      for (int i = 0; i < settings.partitions(); i++) {
        LedgerPartition.Wiring w = new LedgerPartition.Wiring(i, settings, stats, permits, ctx.getSelf(), onRecovered);
        partitions.add(kctx.superviseThroughOutages(ctx, "partition-" + i, () -> LedgerPartition.create(w), JournalDb::isOutage));
      }
      this.probeEvery = null;
      this.placement = null;
    }
    this.handle = new Handle(List.copyOf(partitions), settings, stats, permits, clustered);
    permits.wakeWith(p -> handle.partitions().get(p).tell(LedgerPartition.Wake.INSTANCE));
    this.recovered = new boolean[settings.partitions()];
    this.reaper = kctx.supervise(ctx, "reaper", () -> Reaper.create(handle.partitions(), settings.reaperTick(), stats));
    kctx.metrics().gauge("reaper.last-run-epoch-ms", stats.reaperLastRun::get);
    kctx.metrics().countingGauge("reaper.runs", stats.reaperRuns::get);
    kctx.metrics().countingGauge("reaper.reaped", stats.reaped::get);
    kctx.metrics().countingGauge("reports.stale", stats.stale::get);
    for (String bucket : List.of("pending", "running", "succeeded", "failed", "blocked", "cancelled")) {
      kctx.metrics().gauge("jobs." + bucket, () -> stats.total(bucket));
    }
    this.journalMBean = JournalDb.registerMBean(kctx.jmx(), ctx.getSystem());
    this.ledgerMBean = kctx.jmx().name("Ledger", null);
    kctx.jmx().register(ledgerMBean, control.apply(ctx.getSystem(), handle));
    NodeMeters.get(ctx.getSystem()).bind("ledger", LedgerMeters.of(stats, permits));
    JournalMeters.bind(ctx.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(GetHandle.class, g -> {
          g.replyTo().tell(handle);
          return this;
        })
        .onMessage(ToPartition.class, this::onToPartition)
        .onMessage(WrappedRecovered.class, this::onRecovered)
        .onMessageEquals(ReapNow.INSTANCE, () -> {
          reaper.tell(Reaper.ReapNow.INSTANCE);
          return this;
        })
        .onMessage(Stop.class, this::onStop)
        .onMessageEquals(Probe.INSTANCE, this::onProbe)
        .onMessage(Probed.class, this::onProbed)
        .onMessage(Drained.class, this::onDrained)
        .onSignal(PostStop.class, s -> {
          if (journalMBean != null) {
            kctx.jmx().unregister(journalMBean);
          }
          kctx.jmx().unregister(ledgerMBean);
          NodeMeters.get(getContext().getSystem()).unbind("ledger");
          return this;
        })
        .build();
  }

  private Behavior<Command> onToPartition(ToPartition t) {
    handle.partitions().get(t.partition()).tell(t.message());
    return this;
  }

  private Behavior<Command> onRecovered(WrappedRecovered w) {
    LedgerPartition.Recovered r = w.recovered();
    if (recovered[r.partition()]) {
      getContext().getLog().info(
          "ledger partition [{}] recovered again: [{}] pending, [{}] running resumed with a new attempt, [{}] waiting for a retry",
          r.partition(), r.pending(), r.resumed(), r.retryWait());
      return this;
    }
    recovered[r.partition()] = true;
    if (recoveredCount++ == 0) {
      firstRecoveredMs = (System.nanoTime() - started) / 1_000_000;
    }
    int[] add = {r.pending(), r.resumed(), r.retryWait(), r.waiting(), r.blocked(), r.terminal()};
    for (int i = 0; i < add.length; i++) {
      found[i] += add[i];
    }
    if (recoveredCount == recovered.length) {
      getContext().getLog().info(
          "ledger recovered [{}] partitions in [{}] ms (the first, dispatching at once, in [{}] ms): found [{}] live jobs: [{}] pending, [{}] running (resumed with a new"
              + " attempt), [{}] waiting for a retry, [{}] waiting for a parent, [{}] blocked by a parent; [{}] recent terminal jobs."
              + " Jobs dispatch as soon as their type is registered.",
          recovered.length,
          (System.nanoTime() - started) / 1_000_000,
          firstRecoveredMs,
          found[0] + found[1] + found[2] + found[3] + found[4],
          found[0], found[1], found[2], found[3], found[4], found[5]);
    }
    return this;
  }

  /**
   * One probe run: every partition is asked for a job that does not exist, through sharding; the
   * node serves once all of them answered within one run (a moved partition restarts on its new
   * node at the first message, so the probe also brings the partitions of a lost node back).
   */
  private Behavior<Command> onProbe() {
    if (probeRun > 0 && probeAnswered.cardinality() < handle.partitions().size()) {
      handle.stats().serving(false);
    }
    long run = ++probeRun;
    probeAnswered.clear();
    for (int p = 0; p < handle.partitions().size(); p++) {
      int partition = p;
      getContext().ask(LedgerPartition.Found.class, handle.partitions().get(p), probeEvery,
          r -> new LedgerPartition.GetStatus("", r), (ok, err) -> new Probed(run, partition, err == null));
    }
    getContext().scheduleOnce(probeEvery, getContext().getSelf(), Probe.INSTANCE);
    return this;
  }

  private Behavior<Command> onProbed(Probed p) {
    if (p.run() == probeRun && p.answered()) {
      probeAnswered.set(p.partition());
      if (probeAnswered.cardinality() == handle.partitions().size() && !handle.stats().serving()) {
        getContext().getLog().info("ledger: all [{}] partitions answer through this node (cluster mode); ready", handle.partitions().size());
        handle.stats().serving(true);
      }
    }
    return this;
  }

  private Behavior<Command> onStop(Stop s) {
    stopReply = s.replyTo();
    ActorRef<Done> ack = getContext().messageAdapter(Done.class, Drained::new);
    if (handle.clustered()) {
      handle.stats().serving(false);
      if (CoordinatedShutdown.get(getContext().getSystem()).getShutdownReason().isEmpty()) {
        // The node stays a member (a host stops Warden on its own ActorSystem): its partitions carry on.
        s.replyTo().tell(Done.getInstance());
        return Behaviors.stopped();
      }
      // This node leaves. Its partitions stop dispatching now, while every kind still runs (ledger
      // first in the stop order), so no attempt starts here only to be cut short; sharding hands
      // them over afterwards (HandOff, in the later cluster-sharding-shutdown-region phase).
      Map<Integer, ActorRef<LedgerPartition.Command>> here = placement.quiesce();
      toDrain = here.size();
      if (toDrain == 0) {
        s.replyTo().tell(Done.getInstance());
        return Behaviors.stopped();
      }
      getContext().getLog().info("ledger: this node leaves; its [{}] partitions stop dispatching and drain before the hand-over", toDrain);
      here.values().forEach(p -> p.tell(new LedgerPartition.Drain(ack)));
      // a partition that moved or stopped meanwhile never answers: wait no longer than a drain takes
      getContext().scheduleOnce(handle.settings().drainTimeout().plusSeconds(2), getContext().getSelf(), new Drained(Done.getInstance(), true));
      return this;
    }
    toDrain = handle.partitions().size();
    handle.partitions().forEach(p -> p.tell(new LedgerPartition.Drain(ack)));
    return this;
  }

  private Behavior<Command> onDrained(Drained d) {
    drained++;
    if (drained < toDrain && !d.timedOut()) {
      return this;
    }
    getContext().getLog().info("ledger drained [{}] of [{}] partitions; stopping", Math.min(drained, toDrain), toDrain);
    stopReply.tell(Done.getInstance());
    return Behaviors.stopped();
  }
}
