package dev.warden.core.internal;

import dev.warden.core.KindContext;
import dev.warden.core.WardenSettings;
import dev.warden.core.WorkerKind;
import dev.warden.core.supervision.ChildSpec;
import dev.warden.core.supervision.Supervisor;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.SupervisorTree;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Root of one Warden node: spawns one {@link Supervisor} per kind and stops them in
 * {@link WorkerKind#shutdownOrder()} groups at shutdown, each group after the previous one.
 */
public final class Guardian extends AbstractBehavior<Guardian.Command> {
  public static final String ROOT = "/warden";

  public sealed interface Command permits StartKinds, StopKinds {}

  /** Spawns every kind; answers the stable supervisor refs by kind name. */
  public record StartKinds(
      List<WorkerKind<?>> kinds,
      Function<WorkerKind<?>, KindContext> contexts,
      ActorRef<Map<String, ActorRef<Object>>> replyTo)
      implements Command {}

  /** Stops every kind, group by group; then stops this guardian if {@code stopSelf}. */
  public record StopKinds(boolean stopSelf, ActorRef<Done> replyTo) implements Command {}


  public static Behavior<Command> create(WardenSettings settings, SupervisorTree tree) {
    return Behaviors.setup(ctx -> new Guardian(ctx, settings, tree));
  }

  private final WardenSettings settings;
  private final SupervisorTree tree;
  private final Map<String, ActorRef<Object>> supervisors = new LinkedHashMap<>();
  private final TreeMap<Integer, List<String>> groups = new TreeMap<>();
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
  private boolean stopSelf;
  private boolean stopping;
  private final Set<ActorRef<Object>> pending = new HashSet<>();

  private Guardian(ActorContext<Command> ctx, WardenSettings settings, SupervisorTree tree) {
    super(ctx);
    ctx.setLoggerName(Guardian.class);
    this.settings = settings;
    this.tree = tree;
    tree.register(ROOT, "runtime");
    tree.state(ROOT, NodeState.RUNNING);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StartKinds.class, this::onStartKinds)
        .onMessage(StopKinds.class, this::onStopKinds)
        .onSignal(Terminated.class, this::onTerminated)
        .build();
  }

  private Behavior<Command> onStartKinds(StartKinds start) {
    for (WorkerKind<?> kind : start.kinds()) {
      spawnKind(kind, start.contexts().apply(kind));
    }
    getContext().getLog().info("warden node [{}] started kinds {}", settings.nodeName(), supervisors.keySet());
    start.replyTo().tell(Map.copyOf(supervisors));
    return this;
  }

  private <T> void spawnKind(WorkerKind<T> kind, KindContext kctx) {
    ChildSpec<T> spec =
        ChildSpec.of(kctx.path(), kind.name(), () -> kind.rootBehavior(kctx), kctx.supervision()).withOutage(kind.outage());
    if (kind.pauseMessage().isPresent() && kind.resumeMessage().isPresent()) {
      spec = spec.withPause(kind.pauseMessage().get(), kind.resumeMessage().get());
    }
    if (kind.stopMessage().isPresent()) {
      spec = spec.withStopMessage(kind.stopMessage().get());
    }
    ActorRef<Object> ref = getContext().spawn(Supervisor.create(spec, tree), "kind-" + kind.name());
    getContext().watch(ref);
    supervisors.put(kind.name(), ref);
    groups.computeIfAbsent(kind.shutdownOrder(), o -> new ArrayList<>()).add(kind.name());
  }

  private Behavior<Command> onStopKinds(StopKinds stop) {
    stopWaiters.add(stop.replyTo());
    stopSelf |= stop.stopSelf();
    if (!stopping) {
      stopping = true;
      tree.state(ROOT, NodeState.STOPPED);
      return nextGroup();
    }
    return pending.isEmpty() && groups.isEmpty() ? finish() : this;
  }

  /** A kind's supervisor stopped: at shutdown, or by itself when its root stopped. */
  private Behavior<Command> onTerminated(Terminated t) {
    supervisors.values().remove(t.getRef());
    groups.values().forEach(names -> names.removeIf(n -> !supervisors.containsKey(n)));
    if (pending.remove(t.getRef()) && pending.isEmpty()) {
      return nextGroup();
    }
    return this;
  }

  private Behavior<Command> nextGroup() {
    Map.Entry<Integer, List<String>> group = groups.pollFirstEntry();
    if (group == null) {
      return finish();
    }
    if (group.getValue().isEmpty()) {
      return nextGroup();
    }
    getContext().getLog().info("stopping kinds {} (shutdown order {})", group.getValue(), group.getKey());
    ActorRef<Done> ignore = getContext().getSystem().ignoreRef();
    for (String name : group.getValue()) {
      ActorRef<Object> ref = supervisors.get(name);
      pending.add(ref);
      ref.tell(new Supervisor.Stop(settings.kindStopTimeout(), ignore));
    }
    return this;
  }

  private Behavior<Command> finish() {
    stopWaiters.forEach(w -> w.tell(Done.getInstance()));
    stopWaiters.clear();
    return stopSelf ? Behaviors.stopped() : this;
  }
}
