package dev.warden.workers.llm;

import dev.warden.core.WardenSerializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Cluster mode: the llm kind's per-model permits for the whole cluster, a cluster singleton
 * ({@value #SINGLETON}). Each member's {@link LlmCoordinator} asks it for a permit per attempt
 * ({@link Acquire}, FIFO per model, at most {@code warden.llm.bulkhead} permits of a model granted
 * at once in the cluster) and gives it back ({@link Release}). Every message is idempotent: members
 * send their waiting tickets again and tell what they hold ({@link Held}, empty when they hold
 * nothing) when their coordinator starts and every check interval, so a singleton that starts again
 * after its member died learns what is held and who waits.
 *
 * <p><b>Settle window.</b> So that the limit holds across that fail-over, a singleton that starts
 * grants nothing, only adopting and queueing, until every member that is Up in the cluster's current
 * membership has sent it a {@link Held} (a member that becomes Up meanwhile too), or at most for
 * {@link #settleWindow} (the proxies' identification interval plus two check intervals: long enough
 * for every member's proxy to find it and tell it what it holds), whichever comes first; the
 * {@link SettleWindow} keeps count. An Up member that is unreachable or slow keeps it waiting the whole
 * window (fail closed). Held permits it learns of later are adopted even above the limit, which then
 * holds again as calls end. A member that leaves or dies loses its permits here (death watch on its
 * coordinator). Not persistent: the truth is what members hold.
 */
final class PermitAccounting extends AbstractBehavior<PermitAccounting.Command> {
  static final String SINGLETON = "warden-llm-permits";

  /** How often a member's singleton proxy looks for a moved singleton (Pekko's setting). */
  static final String IDENTIFICATION = "pekko.cluster.singleton-proxy.singleton-identification-interval";

  sealed interface Command permits Acquire, Release, Held, HolderGone, Settled {}

  /** {@code holder} waits for a permit of {@code model} for {@code ticket}; answered {@link Granted} (again, if already granted). */
  record Acquire(String ticket, String model, ActorRef<LlmCoordinator.Command> holder) implements Command, WardenSerializable {}

  /** {@code ticket}'s permit (or place in the queue) is given back; unknown tickets are ignored. */
  record Release(String ticket, String model) implements Command, WardenSerializable {}

  /** What {@code holder} holds now, by model: adopted when unknown (after a fail-over of this singleton). */
  record Held(Map<String, List<String>> tickets, ActorRef<LlmCoordinator.Command> holder) implements Command, WardenSerializable {}

  /** The answer to {@link Acquire}: {@code ticket} may call {@code model}. */
  record Granted(String ticket, String model) implements LlmCoordinator.Command, WardenSerializable {}

  private record HolderGone(ActorRef<LlmCoordinator.Command> holder) implements Command {}

  /** The settle window after the start has expired: grant from now on. */
  private enum Settled implements Command { INSTANCE }

  private record Waiter(String ticket, ActorRef<LlmCoordinator.Command> holder) {}

  /** One model's permits. */
  private static final class Model {
    final Map<String, ActorRef<LlmCoordinator.Command>> granted = new HashMap<>();
    final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    final Set<String> queued = new HashSet<>();
  }

  private final LlmSettings settings;
  private final TimerScheduler<Command> timers;
  private final SettleWindow window;
  private final Map<String, Model> models = new HashMap<>();
  private final Set<ActorRef<LlmCoordinator.Command>> watched = new HashSet<>();
  private boolean settling = true;

  static Behavior<Command> create(LlmSettings settings) {
    return Behaviors.setup(ctx -> create(settings, SettleWindow.Membership.of(ctx.getSystem())));
  }

  /** The accounting with the membership it waits for in its settle window given (tests). */
  static Behavior<Command> create(LlmSettings settings, SettleWindow.Membership members) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PermitAccounting(ctx, timers, settings, members)));
  }

  private PermitAccounting(ActorContext<Command> ctx, TimerScheduler<Command> timers, LlmSettings settings,
      SettleWindow.Membership members) {
    super(ctx);
    this.settings = settings;
    this.timers = timers;
    this.window = new SettleWindow(members,
        settleWindow(ctx.getSystem().settings().config().getDuration(IDENTIFICATION), settings));
    timers.startSingleTimer(Settled.INSTANCE, window.length());
    ctx.getLog().info("llm permit accounting started on this member: per-model limits hold cluster-wide; granting once every"
        + " Up member has told what it holds, at most after [{}] ms", window.length().toMillis());
  }

  /** How long a new singleton only listens: until every member's proxy has found it and re-sent what it holds. */
  static Duration settleWindow(Duration identification, LlmSettings settings) {
    return identification.plus(settings.checkInterval().multipliedBy(2));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Acquire.class, this::onAcquire)
        .onMessage(Release.class, this::onRelease)
        .onMessage(Held.class, this::onHeld)
        .onMessage(HolderGone.class, this::onHolderGone)
        .onMessage(Settled.class, s -> onSettled())
        .build();
  }

  private Behavior<Command> onSettled() {
    if (settling) { // else ended early, the timer's message already queued
      getContext().getLog().info("llm permit accounting granting now: settle window of [{}] ms expired with Up member(s) {} silent;"
          + " [{}] permit(s) held, [{}] waiting", window.length().toMillis(), window.silent(), held(), waiting());
      startGranting();
    }
    return this;
  }

  private void settleEarly() {
    timers.cancel(Settled.INSTANCE);
    getContext().getLog().info("llm permit accounting granting now: all [{}] Up member(s) told what they hold after [{}] ms;"
        + " [{}] permit(s) held, [{}] waiting", window.upCount(), window.elapsedMillis(), held(), waiting());
    startGranting();
  }

  private void startGranting() {
    settling = false;
    models.forEach(this::grantWhilePossible);
  }

  private int held() {
    return models.values().stream().mapToInt(m -> m.granted.size()).sum();
  }

  private int waiting() {
    return models.values().stream().mapToInt(m -> m.queue.size()).sum();
  }

  private Behavior<Command> onAcquire(Acquire a) {
    watch(a.holder());
    Model m = model(a.model());
    if (m.granted.containsKey(a.ticket())) {
      a.holder().tell(new Granted(a.ticket(), a.model()));
    } else if (m.queued.add(a.ticket())) {
      m.queue.add(new Waiter(a.ticket(), a.holder()));
      grantWhilePossible(a.model(), m);
    }
    return this;
  }

  private Behavior<Command> onRelease(Release r) {
    Model m = models.get(r.model());
    if (m == null) {
      return this;
    }
    if (m.granted.remove(r.ticket()) != null) {
      grantWhilePossible(r.model(), m);
    } else if (m.queued.remove(r.ticket())) {
      m.queue.removeIf(w -> w.ticket().equals(r.ticket()));
    }
    return this;
  }

  private Behavior<Command> onHeld(Held h) {
    watch(h.holder());
    h.tickets().forEach((model, tickets) -> {
      Model m = model(model);
      for (String t : tickets) {
        if (!m.granted.containsKey(t)) {
          getContext().getLog().debug("llm permit [{}] of model [{}] adopted from [{}]", t, model, h.holder());
          m.granted.put(t, h.holder());
          if (m.queued.remove(t)) {
            m.queue.removeIf(w -> w.ticket().equals(t));
          }
        }
      }
    });
    if (settling && window.reported(h.holder())) {
      settleEarly();
    }
    return this;
  }

  private Behavior<Command> onHolderGone(HolderGone g) {
    watched.remove(g.holder());
    int freed = 0;
    for (Map.Entry<String, Model> e : models.entrySet()) {
      Model m = e.getValue();
      int before = m.granted.size();
      m.granted.values().removeIf(g.holder()::equals);
      freed += before - m.granted.size();
      m.queue.removeIf(w -> w.holder().equals(g.holder()) && m.queued.remove(w.ticket()));
      grantWhilePossible(e.getKey(), m);
    }
    getContext().getLog().info("llm coordinator [{}] is gone: its [{}] permit(s) freed", g.holder().path(), freed);
    return this;
  }

  private void grantWhilePossible(String model, Model m) {
    if (settling) {
      return;
    }
    int limit = settings.concurrencyOf(model);
    while (m.granted.size() < limit && !m.queue.isEmpty()) {
      Waiter w = m.queue.poll();
      m.queued.remove(w.ticket());
      m.granted.put(w.ticket(), w.holder());
      w.holder().tell(new Granted(w.ticket(), model));
    }
  }

  private Model model(String name) {
    return models.computeIfAbsent(name, n -> new Model());
  }

  private void watch(ActorRef<LlmCoordinator.Command> holder) {
    if (watched.add(holder)) {
      getContext().watchWith(holder, new HolderGone(holder));
    }
  }
}
