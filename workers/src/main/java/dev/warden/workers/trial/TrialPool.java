package dev.warden.workers.trial;

import dev.warden.core.KindContext;
import dev.warden.core.process.MemoryProbe;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The trial kind's root: a pool of N {@link TrialWorker}s, each under its own supervisor
 * ({@code /warden/trial/worker-i}), and a bounded queue of trials waiting for an idle worker.
 * Events of a running trial are routed back to the listener that dispatched it.
 */
public final class TrialPool extends AbstractBehavior<TrialPool.Command> {

  public sealed interface Command permits Dispatch, Cancel, FromWorker {}

  /** Run one attempt; {@code listener} is called (on this actor) with heartbeats and the report. */
  public record Dispatch(TrialSpec trial, Consumer<TrialEvent> listener) implements Command {}

  public record Cancel(String trialId, int attempt, String reason) implements Command {}

  private record FromWorker(TrialEvent event) implements Command {}

  static Behavior<Command> create(KindContext kctx, TrialSettings settings, MemoryProbe probe, RssHistory history) {
    return Behaviors.setup(ctx -> new TrialPool(ctx, kctx, settings, probe, history));
  }

  private final TrialSettings settings;
  private final ArrayDeque<ActorRef<TrialWorker.Command>> idle = new ArrayDeque<>();
  private final ArrayDeque<Dispatch> waiting = new ArrayDeque<>();
  private final Map<String, Running> running = new HashMap<>();
  private final ActorRef<TrialEvent> events;

  private record Running(Dispatch dispatch, ActorRef<TrialWorker.Command> worker) {}

  private TrialPool(ActorContext<Command> ctx, KindContext kctx, TrialSettings settings, MemoryProbe probe, RssHistory history) {
    super(ctx);
    ctx.setLoggerName(TrialPool.class);
    this.settings = settings;
    this.events = ctx.messageAdapter(TrialEvent.class, FromWorker::new);
    for (int i = 1; i <= settings.workers(); i++) {
      String name = "worker-" + i;
      String path = kctx.path() + "/" + name;
      TrialWorker.Settings ws = new TrialWorker.Settings(settings.guard(), settings.stopGrace(), settings.logDir(kctx),
          java.util.Map.of(TrialKind.OWNER_ENV, TrialKind.owner(kctx.dataDir())),
          info -> {
            kctx.tree().update(path, n -> n.withInfo(info.line()));
            history.record(path, new RssHistory.Sample(System.currentTimeMillis(), info.rssBytes() >> 20, info.ageMillis() / 1000));
          }, settings.exitPolicy(),
          TrialKind.owner(kctx.dataDir()) + "/" + TrialKind.NAME + "/" + name);
      idle.add(kctx.supervise(ctx, name, () -> TrialWorker.create(name, ws, probe, kctx.metrics())));
    }
    kctx.metrics().gauge("queue", waiting::size);
    kctx.metrics().gauge("running", running::size);
  }

  private static String key(String trialId, int attempt) {
    return trialId + "#" + attempt;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Dispatch.class, this::onDispatch)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(FromWorker.class, this::onFromWorker)
        .build();
  }

  private Behavior<Command> onDispatch(Dispatch d) {
    if (idle.isEmpty()) {
      if (waiting.size() >= settings.queueCapacity()) {
        d.listener().accept(new TrialReport(d.trial().trialId(), d.trial().attempt(), TrialReport.Outcome.FAILED,
            "trial queue full (" + settings.queueCapacity() + ", warden.trial.queue-capacity)", 0));
        return this;
      }
      waiting.add(d);
      return this;
    }
    start(d, idle.poll());
    return this;
  }

  private void start(Dispatch d, ActorRef<TrialWorker.Command> worker) {
    running.put(key(d.trial().trialId(), d.trial().attempt()), new Running(d, worker));
    worker.tell(new TrialWorker.Run(d.trial(), events));
  }

  private Behavior<Command> onCancel(Cancel c) {
    Running r = running.get(key(c.trialId(), c.attempt()));
    if (r != null) {
      r.worker().tell(new TrialWorker.Cancel(c.trialId(), c.attempt(), c.reason()));
      return this;
    }
    waiting.removeIf(d -> {
      boolean match = d.trial().trialId().equals(c.trialId()) && d.trial().attempt() == c.attempt();
      if (match) {
        d.listener().accept(new TrialReport(c.trialId(), c.attempt(), TrialReport.Outcome.CANCELLED, c.reason(), 0));
      }
      return match;
    });
    return this;
  }

  private Behavior<Command> onFromWorker(FromWorker m) {
    TrialEvent e = m.event();
    Running r = e instanceof TrialReport report
        ? running.remove(key(report.trialId(), report.attempt()))
        : running.get(key(e.trialId(), e.attempt()));
    if (r == null) {
      return this;
    }
    r.dispatch().listener().accept(e);
    if (e instanceof TrialReport) {
      Dispatch next = waiting.poll();
      if (next != null) {
        start(next, r.worker());
      } else {
        idle.add(r.worker());
      }
    }
    return this;
  }
}
