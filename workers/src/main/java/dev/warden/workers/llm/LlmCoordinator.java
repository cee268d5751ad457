package dev.warden.workers.llm;

import dev.warden.core.KindContext;
import dev.warden.core.cluster.Singletons;
import dev.warden.core.metrics.NodeMeters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The llm kind's root: per-model bulkheads (permits handed out by completing futures, so neither
 * the coordinator nor a handler thread ever blocks), per-conversation latency, and the idle
 * ("nothing submitted") signal. Handlers of the llm job types talk to it with {@link Acquire}
 * and {@link Release}. Messages are local only (they carry futures).
 *
 * <p>In cluster mode the permits are the cluster's ({@link PermitAccounting}, a cluster singleton;
 * this coordinator keeps its member's share in {@link ClusterPermits}); on a single node they are
 * this node's {@link ModelBulkhead}s.
 */
public final class LlmCoordinator extends AbstractBehavior<LlmCoordinator.Command> {

  public sealed interface Command permits Acquire, Release, Attach, Tick, PermitAccounting.Granted {}

  /** Ask for a permit of {@code model}; {@code grant} completes when it is this ticket's. */
  record Acquire(String ticket, String model, CompletableFuture<Void> grant) implements Command {}

  /** A permit (or a place in the queue) is given back; {@code millis} is a latency sample if {@code outcome} says so. */
  record Release(String ticket, String model, String conversation, long timeoutSeconds, long millis, Outcome outcome)
      implements Command {}

  /** How an attempt ended, for the counters and the latency window. */
  enum Outcome {
    COMPLETED,
    FAILED,
    /** Reaped or cancelled while calling, before its start-to-close timeout: no sample. */
    CANCELLED,
    /** Reaped at its start-to-close timeout while calling: a right-censored sample (it took at least the timeout). */
    REAPED_AT_TIMEOUT,
    /** Reaped or cancelled while waiting for a permit. */
    WITHDRAWN;

    boolean sample() {
      return this == COMPLETED || this == FAILED;
    }
  }

  /** The host facade tells how many llm interactions the ledger holds pending. */
  record Attach(LongSupplier pendingInLedger) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  public static Behavior<Command> create(KindContext kind) {
    return create(kind, System::currentTimeMillis);
  }

  /** The coordinator timing idle spells on {@code clock} (epoch milliseconds; tests move it with Pekko's manual time). */
  static Behavior<Command> create(KindContext kind, LongSupplier clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      LlmSettings settings = LlmSettings.create(kind.config());
      timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.checkInterval());
      ClusterPermits cluster = Singletons.clustered(kind.config())
          ? new ClusterPermits(Singletons.clusterWide(ctx.getSystem(), kind.kind(), PermitAccounting.SINGLETON, PermitAccounting.create(settings)),
              ctx.getSelf(), settings)
          : null;
      return new LlmCoordinator(ctx, kind, settings, cluster, clock);
    }));
  }

  private final KindContext kind;
  private final LlmSettings settings;
  private final LlmView view;
  private final ObjectName jmxName;
  private final Map<String, ModelBulkhead> bulkheads = new HashMap<>();
  /** Cluster mode: this member's share of the cluster-wide permits (then {@link #bulkheads} stays empty). */
  private final ClusterPermits cluster;
  private final ConversationLatency latency;
  private final Map<String, Long> configuredSeconds = new HashMap<>();
  private final LongSupplier clock;
  private final IdleWatch idle;
  private LongSupplier pendingInLedger = () -> 0;
  private boolean dirty = true;

  private LlmCoordinator(ActorContext<Command> ctx, KindContext kind, LlmSettings settings, ClusterPermits cluster, LongSupplier clock) {
    super(ctx);
    this.cluster = cluster;
    // before Pekko's timer interceptor first touches the log: it would name it after ActorCell
    ctx.setLoggerName(LlmCoordinator.class);
    this.kind = kind;
    this.settings = settings;
    this.latency = new ConversationLatency(settings.latencyWindow(), settings.latencyMinSamples(), settings.reapRateThreshold(),
        settings.maxConversations());
    this.view = LlmView.of(ctx.getSystem());
    this.clock = clock;
    this.idle = new IdleWatch(settings.idleThreshold(), view.snapshot().idleWarnings());
    this.jmxName = kind.jmx().name("llm", null);
    kind.jmx().register(jmxName, view);
    NodeMeters.get(ctx.getSystem()).bind("llm", LlmMeters.of(view));
    kind.metrics().gauge("bulkhead.running", () -> view.snapshot().running().values().stream().mapToLong(i -> i).sum());
    kind.metrics().gauge("bulkhead.queued", () -> view.snapshot().queued().values().stream().mapToLong(i -> i).sum());
    publish();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(Attach.class, this::onAttach)
        .onMessage(PermitAccounting.Granted.class, this::onGranted)
        .onMessage(Tick.class, t -> onTick())
        .onSignal(PreRestart.class, s -> onStop())
        .onSignal(PostStop.class, s -> onStop())
        .build();
  }

  private Behavior<Command> onAcquire(Acquire a) {
    if (cluster != null) {
      cluster.acquire(a.ticket(), a.model(), a.grant());
    } else {
      bulkheads.computeIfAbsent(a.model(), m -> new ModelBulkhead(settings.concurrencyOf(m))).acquire(a.ticket(), a.grant());
    }
    busy();
    dirty = true;
    return this;
  }

  private Behavior<Command> onRelease(Release r) {
    ModelBulkhead b = bulkheads.get(r.model());
    if (b != null) {
      b.release(r.ticket());
    } else if (cluster != null) {
      cluster.release(r.ticket(), r.model());
    }
    kind.metrics().counter("interactions." + r.outcome().name().toLowerCase()).increment();
    if (r.outcome().sample()) {
      latency.record(r.conversation(), r.millis());
      configuredSeconds.put(r.conversation(), r.timeoutSeconds());
    } else if (r.outcome() == Outcome.REAPED_AT_TIMEOUT) {
      latency.recordReaped(r.conversation());
      configuredSeconds.put(r.conversation(), r.timeoutSeconds());
    }
    dirty = true;
    return this;
  }

  private Behavior<Command> onGranted(PermitAccounting.Granted g) {
    if (cluster != null) {
      cluster.granted(g);
      dirty = true;
    }
    return this;
  }

  private Behavior<Command> onAttach(Attach a) {
    pendingInLedger = a.pendingInLedger();
    return this;
  }

  private Behavior<Command> onTick() {
    long pending = pendingSafely();
    int inFlight = bulkheads.values().stream().mapToInt(b -> b.running() + b.queued()).sum();
    if (cluster != null) {
      cluster.resend();
      inFlight += cluster.inFlight();
    }
    long now = clock.getAsLong();
    if (inFlight > 0 || pending > 0) {
      busy();
    } else if (idle.quiet(now)) {
      kind.metrics().counter("idle.warnings").increment();
      getContext().getLog().warn(
          "llm: nothing submitted, pending, queued or running for [{}] ms (warden.llm.idle.threshold [{}] ms): is anything"
              + " still submitting interactions? (warned once until work arrives)",
          idle.quietMillis(now), idle.thresholdMillis());
    }
    dirty |= idle.timing() || pending != view.snapshot().pendingInLedger();
    if (dirty) {
      publish(pending, now);
    }
    return this;
  }

  private long pendingSafely() {
    try {
      return pendingInLedger.getAsLong();
    } catch (RuntimeException e) {
      getContext().getLog().debug("llm: pending count unavailable: {}", e.toString());
      return 0;
    }
  }

  private void busy() {
    long wasIdle = idle.busy(clock.getAsLong());
    if (wasIdle >= 0) {
      getContext().getLog().info("llm work arrived after [{}] ms idle; idle flag cleared", wasIdle);
      dirty = true;
    }
  }

  private void publish() {
    publish(0, clock.getAsLong());
  }

  private void publish(long pending, long now) {
    Map<String, Integer> permits = new TreeMap<>();
    Map<String, Integer> running = new TreeMap<>();
    Map<String, Integer> queued = new TreeMap<>();
    bulkheads.forEach((m, b) -> {
      permits.put(m, b.limit());
      running.put(m, b.running());
      queued.put(m, b.queued());
    });
    if (cluster != null) {
      cluster.figures(permits, running, queued);
    }
    List<ConversationStats> rows = new ArrayList<>();
    List<String> tracked = latency.conversations();
    configuredSeconds.keySet().retainAll(tracked);
    for (String c : tracked) {
      rows.add(ConversationStats.of(latency.advice(c, configuredSeconds.getOrDefault(c, 0L))));
    }
    view.publish(new LlmView.Snapshot(List.copyOf(rows), permits, running, queued, pending, idle.idle(),
        idle.quietMillis(now), idle.warnings()));
    dirty = false;
  }

  private Behavior<Command> onStop() {
    IllegalStateException gone = new IllegalStateException("llm coordinator stopped while the attempt waited for a permit");
    bulkheads.values().forEach(b -> b.failWaiters(gone));
    if (cluster != null) {
      cluster.failWaiters(gone);
    }
    bulkheads.clear();
    return this;
  }
}
