package dev.warden.ops.drone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.process.ExitPolicy;
import dev.warden.core.process.ExternalProcess;
import dev.warden.core.process.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * A drone: registers with the control plane, heartbeats (also while it builds), leases up to its prefetch, runs
 * each build as a supervised external process ({@link ExternalProcess}: SIGTERM, grace, SIGKILL of the whole tree;
 * bounded output; a log per build), and reports each outcome with its epoch until the report is answered. A
 * {@code stop_work} (in a heartbeat's or a report's answer) stops the build at once and drops the lease. When the
 * control plane is unreachable, every call is retried with a backoff; a heartbeat answered {@code known=false}
 * registers again, listing what the drone holds, so nothing it holds is lost and no report is sent twice to be
 * counted twice (a report of an accepted lease is answered duplicate).
 */
final class DroneAgent extends AbstractBehavior<DroneAgent.Command> {
  sealed interface Command {}

  private enum Beat implements Command { INSTANCE }

  private enum Poll implements Command { INSTANCE }

  private record Answered(String call, JsonNode body, Throwable error) implements Command {}

  private record Reported(Lease lease, JsonNode body, Throwable error) implements Command {}

  private record BuildEvent(Lease lease, ExternalProcess.Event event) implements Command {}

  /** A lease the drone holds. */
  record Lease(String pkg, int epoch) {}

  private record Running(Lease lease, Instant since, ActorRef<ExternalProcess.Command> process) {}

  private final ControlClient control;
  private final DroneOptions options;
  private final TimerScheduler<Command> timers;
  private final Deque<Lease> queue = new ArrayDeque<>();
  /** Finished builds whose report is not answered yet, with the report's body. */
  private final Map<Lease, ObjectNode> unreported = new LinkedHashMap<>();
  private Running running;
  private boolean registered;
  private boolean registering;
  private boolean leasing;
  private boolean beating;
  private final java.util.Set<Lease> reporting = new java.util.HashSet<>();
  private final Backoff backoff;
  private long builds;

  static Behavior<Command> create(DroneOptions options) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new DroneAgent(ctx, timers, options)));
  }

  private DroneAgent(ActorContext<Command> ctx, TimerScheduler<Command> timers, DroneOptions options) {
    super(ctx);
    ctx.setLoggerName(DroneAgent.class);
    this.timers = timers;
    this.options = options;
    this.control = new ControlClient(options.control(), options.id(), options.token(), options.requestTimeout());
    this.backoff = new Backoff(options.backoffMin(), options.backoffMax());
    timers.startTimerWithFixedDelay(Beat.INSTANCE, options.heartbeatEvery());
    timers.startTimerWithFixedDelay(Poll.INSTANCE, options.pollEvery());
    register();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Beat.class, b -> onBeat())
        .onMessage(Poll.class, p -> onPoll())
        .onMessage(Answered.class, this::onAnswered)
        .onMessage(Reported.class, this::onReported)
        .onMessage(BuildEvent.class, this::onBuildEvent)
        .build();
  }

  // ---- calls

  private void call(String what, JsonNode body) {
    CompletionStage<JsonNode> s = control.post(what, body);
    getContext().pipeToSelf(s, (r, e) -> new Answered(what, r, e));
  }

  private void register() {
    registering = true;
    call("register", DroneBodies.register(control, options, held()));
  }

  private List<Lease> held() {
    List<Lease> all = new java.util.ArrayList<>();
    if (running != null) {
      all.add(running.lease());
    }
    all.addAll(queue);
    all.addAll(unreported.keySet());
    return all;
  }

  private boolean quiet() {
    return backoff.quiet(Instant.now());
  }

  private Behavior<Command> onBeat() {
    if (!registered) {
      if (!registering && !quiet()) {
        register();
      }
      return this;
    }
    if (beating) {
      return this;
    }
    beating = true;
    call("heartbeat", DroneBodies.heartbeat(control, running == null ? null : running.lease(), running == null ? null : running.since(),
        queue, unreported.keySet()));
    return this;
  }

  private Behavior<Command> onPoll() {
    if (!registered || quiet()) {
      return this;
    }
    for (Map.Entry<Lease, ObjectNode> r : unreported.entrySet()) {
      if (reporting.add(r.getKey())) {
        Lease lease = r.getKey();
        getContext().pipeToSelf(control.post("report", r.getValue()), (body, e) -> new Reported(lease, body, e));
      }
    }
    int held = queue.size() + (running == null ? 0 : 1);
    if (!leasing && held < 1 + options.prefetch()) {
      leasing = true;
      call("lease", control.object().put("wanted", 1 + options.prefetch() - held));
    }
    startNext();
    return this;
  }

  private Behavior<Command> onAnswered(Answered a) {
    switch (a.call()) {
      case "register" -> registering = false;
      case "heartbeat" -> beating = false;
      case "lease" -> leasing = false;
      default -> { }
    }
    if (a.error() != null) {
      unreachable(a.call(), a.error());
      return this;
    }
    reachable();
    JsonNode b = a.body();
    switch (a.call()) {
      case "register" -> {
        registered = true;
        getContext().getLog().info("drone [{}] registered with {} ({} cores, holding {})", options.id(), options.control(), options.cores(), held());
        stopWork(b.path("stop_work"));
      }
      case "heartbeat" -> {
        if (!b.path("known").asBoolean()) {
          getContext().getLog().info("drone [{}] is not known to the control plane: registering again", options.id());
          registered = false;
          register();
        } else {
          stopWork(b.path("stop_work"));
        }
      }
      case "lease" -> {
        if (!b.path("known").asBoolean()) {
          registered = false;
          register();
          return this;
        }
        for (JsonNode l : b.path("leases")) {
          queue.addLast(new Lease(l.path("package").asText(), l.path("epoch").asInt()));
        }
        startNext();
      }
      default -> { }
    }
    return this;
  }

  private Behavior<Command> onReported(Reported r) {
    reporting.remove(r.lease());
    if (r.error() != null) {
      unreachable("report", r.error());
      return this;
    }
    reachable();
    JsonNode b = r.body();
    unreported.remove(r.lease());
    if (b.path("stale").asBoolean()) {
      getContext().getLog().info("drone [{}] report of [{}] attempt [{}] is stale: stop_work (reassigned to [{}])", options.id(),
          r.lease().pkg(), r.lease().epoch(), b.path("reassigned_to").asText(null));
    } else {
      getContext().getLog().info("drone [{}] report of [{}] attempt [{}]: {} ({})", options.id(), r.lease().pkg(), r.lease().epoch(),
          b.path("duplicate").asBoolean() ? "duplicate" : b.path("recorded").asText(), b.path("status").asText());
    }
    return this;
  }

  /** Drops every lease named, stopping its build at once. */
  private void stopWork(JsonNode stops) {
    for (JsonNode s : stops) {
      Lease l = new Lease(s.path("package").asText(), s.path("epoch").asInt());
      queue.remove(l);
      unreported.remove(l);
      if (running != null && running.lease().equals(l)) {
        getContext().getLog().info("drone [{}] stop_work for [{}] attempt [{}] (reassigned to [{}]): stopping the build", options.id(),
            l.pkg(), l.epoch(), s.path("reassigned_to").asText(null));
        running.process().tell(new ExternalProcess.Stop("stop_work from the control plane"));
        running = null;
      }
    }
    startNext();
  }

  private void unreachable(String call, Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ControlClient.Refused refused && refused.status == 401) {
      getContext().getLog().error("drone [{}]: the control plane refuses its token (401); retrying with a backoff", options.id());
    }
    if (backoff.failed(Instant.now())) {
      getContext().getLog().warn("drone [{}]: {} failed ({}); retrying with a backoff up to {}", options.id(), call, cause.toString(),
          options.backoffMax());
    }
  }

  private void reachable() {
    if (backoff.answered()) {
      getContext().getLog().info("drone [{}]: the control plane answers again", options.id());
    }
  }

  // ---- builds

  private void startNext() {
    if (running != null || queue.isEmpty()) {
      return;
    }
    Lease l = queue.pollFirst();
    Path dir = BuildRuns.dir(options, l);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      finished(l, false, "cannot create " + dir + ": " + e.getMessage(), null);
      return;
    }
    ProcessSpec spec = BuildRuns.spec(options, l, dir);
    ActorRef<Command> self = getContext().getSelf();
    ActorRef<ExternalProcess.Event> owner = getContext().spawnAnonymous(Behaviors.<ExternalProcess.Event>receiveMessage(e -> {
      self.tell(new BuildEvent(l, e));
      return e instanceof ExternalProcess.Finished ? Behaviors.stopped() : Behaviors.same();
    }));
    ActorRef<ExternalProcess.Command> p = getContext().spawn(ExternalProcess.create("build " + l.pkg(), spec, owner), "build-" + (++builds));
    running = new Running(l, Instant.now(), p);
    getContext().getLog().info("drone [{}] building [{}] attempt [{}]", options.id(), l.pkg(), l.epoch());
  }

  private Behavior<Command> onBuildEvent(BuildEvent e) {
    if (!(e.event() instanceof ExternalProcess.Finished f)) {
      return this;
    }
    if (running == null || !running.lease().equals(e.lease())) {
      return this; // stopped by stop_work: nothing to report
    }
    running = null;
    boolean ok = f.outcome() == ExitPolicy.Outcome.SUCCESS;
    finished(e.lease(), ok, ok ? null : f.reason(), ok ? BuildRuns.digest(BuildRuns.artifact(options, e.lease())) : null);
    startNext();
    return this;
  }

  private void finished(Lease l, boolean ok, String detail, String digest) {
    unreported.put(l, DroneBodies.report(control, l, ok, detail, digest));
    getContext().getSelf().tell(Poll.INSTANCE);
  }
}
