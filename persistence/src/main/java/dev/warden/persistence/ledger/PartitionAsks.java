package dev.warden.persistence.ledger;

import dev.warden.persistence.ledger.internal.ClusterPlacement;
import dev.warden.persistence.ledger.internal.LedgerPartition;
import dev.warden.persistence.ledger.internal.LedgerRoot;
import dev.warden.persistence.ledger.internal.PartitionIncarnations;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * How {@link JobLedger} reaches its partitions: the route from a job id to its partition, the
 * command buffer's bound per partition, cluster mode's bounds per member (one {@link AskGate} for
 * asks, one for result waits) and retries, and the futures a host gets back
 * (failed at once when the node's ActorSystem terminates; dependents off the partitions' threads).
 * In local mode an ask also fails at once, with {@link LedgerBusyException}, when the incarnation of
 * the partition it was sent to ends before answering it ({@link PartitionIncarnations}): a command
 * Pekko stashed while that incarnation wrote or recovered is never answered.
 */
final class PartitionAsks {
  private final ActorSystem<?> system;
  private final LedgerRoot.Handle handle;
  private final AtomicIntegerArray outstanding;
  /** Cluster mode: one try of a submit or a query (warden.ledger.cluster.try-timeout); null in local mode. */
  private final Duration tryTimeout;
  /** Cluster mode: the bound on this member's asks through sharding; null in local mode. */
  private final AskGate gate;
  /** Cluster mode: the bound on this member's result waits through sharding; null in local mode. */
  private final AskGate waitGate;
  /** Asks not answered yet (see {@link #tracked}). */
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  /** Local mode: the incarnation each partition runs in now; null in cluster mode (its asks retry by themselves). */
  private final PartitionIncarnations incarnations;

  PartitionAsks(ActorSystem<?> system, LedgerRoot.Handle handle) {
    this.system = system;
    this.handle = handle;
    this.outstanding = new AtomicIntegerArray(handle.partitions().size());
    this.tryTimeout = handle.clustered() ? ClusterPlacement.tryTimeout(system.settings().config()) : null;
    this.gate = handle.clustered() ? new AskGate(system, system.settings().config(), AskGate.ASKS) : null;
    this.waitGate = handle.clustered() ? new AskGate(system, system.settings().config(), AskGate.WAITS) : null;
    if (handle.clustered()) { // for JMX and /metrics (LedgerControl, LedgerMeters)
      handle.stats().reportGates(() -> {
        Map<String, Integer> out = new TreeMap<>();
        gate.figures("asks", out);
        waitGate.figures("waits", out);
        return out;
      });
    }
    this.incarnations = handle.clustered() ? null : handle.stats().incarnations();
    system.getWhenTerminated().thenRun(() -> inFlight.forEach(f -> f.completeExceptionally(stopped())));
  }

  private IllegalStateException stopped() {
    return new IllegalStateException("the node's ActorSystem [" + system.name() + "] terminated (stopped, or downed by the"
        + " cluster's split-brain resolver): the call's outcome is unknown; ask another node");
  }

  /**
   * {@code f}, failed at once if the node's ActorSystem terminates before it completes: the asks'
   * timeouts run on its scheduler, so without this a caller would wait forever (a member the
   * split-brain resolver downed under load, say).
   */
  <R> CompletableFuture<R> tracked(CompletableFuture<R> f) {
    inFlight.add(f);
    f.whenComplete((r, t) -> inFlight.remove(f));
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      f.completeExceptionally(stopped());
    }
    return f;
  }

  /**
   * Local mode: one ask for the whole result timeout. Cluster mode: the partition may move. A partition
   * that hands over answers its waiters with the job as it is (not terminal), and the wait is asked
   * again at once where the partition lands; one lost with a crashed node is asked again after
   * ask-timeout. Either way until the result timeout. Each ask of a wait goes through the member's
   * gate for waits (warden.ledger.cluster.max-waits-in-flight): a burst of result() calls is as many
   * messages through sharding as a burst of submits. The first is refused when that gate's queue is
   * full; one asked again never is (its call was taken).
   */
  CompletionStage<Optional<JobView>> awaitResult(String id, long deadline) {
    return awaitResult(id, deadline, false);
  }

  private CompletionStage<Optional<JobView>> awaitResult(String id, long deadline, boolean again) {
    CompletableFuture<Optional<JobView>> once;
    try {
      once = sendWait(id, deadline, again).thenApply(LedgerPartition.Found::job);
    } catch (RuntimeException e) { // the node's ActorSystem is stopping
      return CompletableFuture.failedFuture(e);
    }
    if (tryTimeout == null) { // local mode: a partition that restarted answered its waits with the job as it was, or lost them
      return once.handle((v, t) -> (t == null ? moved(v) : Retries.unwrap(t) instanceof LedgerBusyException) && System.nanoTime() < deadline
              ? awaitResult(id, deadline, true)
              : (t == null ? CompletableFuture.completedFuture(v) : CompletableFuture.<Optional<JobView>>failedFuture(t)))
          .thenCompose(Function.identity());
    }
    return once.handle((v, t) -> !(t == null ? moved(v) : Retries.unwrap(t) instanceof java.util.concurrent.TimeoutException)
                || System.nanoTime() >= deadline
            ? (t == null ? CompletableFuture.completedFuture(v) : CompletableFuture.<Optional<JobView>>failedFuture(t))
            : awaitResult(id, deadline, true))
        .thenCompose(Function.identity());
  }

  /**
   * One ask of a wait, tracked. Local mode: for all the time left, failed with
   * {@link LedgerBusyException} if the partition's incarnation ends first (it is then asked again).
   * Cluster mode: through the gate for waits, for at most ask-timeout from when it is sent, never
   * past {@code deadline}.
   */
  private CompletableFuture<LedgerPartition.Found> sendWait(String id, long deadline, boolean again) {
    Function<ActorRef<LedgerPartition.Found>, LedgerPartition.Command> wait = r -> new LedgerPartition.AwaitResult(id, r);
    if (waitGate == null) {
      return askTied(handle.settings().partitionOf(id), wait, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    Supplier<CompletableFuture<LedgerPartition.Found>> send = () -> askInline(partition(id), wait, shorter(handle.settings().askTimeout(), deadline));
    return tracked(again ? waitGate.askAgain(deadline, send) : waitGate.ask(deadline, send));
  }

  /**
   * A wait answered with a job that is not terminal: its partition stopped for a hand-over or was
   * restarted by its supervisor, so the wait is asked again.
   */
  private static boolean moved(Optional<JobView> v) {
    return v.isPresent() && !v.get().status().terminal();
  }

  /** The host's view of {@code stage}: see {@link HostFuture}. */
  <T> CompletionStage<T> forHost(CompletionStage<T> stage) {
    return HostFuture.of(system, stage);
  }

  /**
   * An ask whose future completes on the thread that answers (a partition's): the facade's own
   * steps after it are short, and the host sees it through {@link #forHost}, so a waiting caller is
   * woken by the partition itself rather than by a dispatcher thread woken first.
   */
  private <R> CompletableFuture<R> askInline(ActorRef<LedgerPartition.Command> target,
      Function<ActorRef<R>, LedgerPartition.Command> message, Duration timeout) {
    CompletableFuture<R> out = new CompletableFuture<>();
    AskPattern.<LedgerPartition.Command, R>ask(target, message::apply, timeout, system.scheduler())
        .whenCompleteAsync((v, t) -> {
          if (t == null) {
            out.complete(v);
          } else {
            out.completeExceptionally(t);
          }
        }, Runnable::run); // Scala's stage would run a plain whenComplete on the common pool
    return out;
  }

  /**
   * Local mode: an ask to partition {@code p}, tracked, and tied to the incarnation it is sent to
   * ({@link PartitionIncarnations#tie}): failed with {@link LedgerBusyException} once that incarnation
   * ends unless answered before. Some such asks may still reach the next incarnation (they were in the
   * mailbox, not Pekko's stash), whose answer is then ignored: the caller was told the outcome is unknown.
   */
  private <R> CompletableFuture<R> askTied(int p, Function<ActorRef<R>, LedgerPartition.Command> message, Duration timeout) {
    return tracked(incarnations.tie(p, () -> askInline(handle.partitions().get(p), message, timeout), PartitionAsks::cutOff,
        system.executionContext()));
  }

  private static LedgerBusyException cutOff(String why) {
    return new LedgerBusyException(why + " before it answered this call, whose outcome is unknown: a submit may not be recorded;"
        + " submit it again (a submit is idempotent by id), or ask again");
  }

  private ActorRef<LedgerPartition.Command> partition(String id) {
    return handle.partitions().get(handle.settings().partitionOf(id));
  }

  <R> CompletionStage<R> ask(String id, Function<ActorRef<R>, LedgerPartition.Command> message) {
    return askPartition(handle.settings().partitionOf(id), message);
  }

  /**
   * Local mode: {@link #ask}. Cluster mode, for idempotent commands only: each try waits
   * warden.ledger.cluster.try-timeout, and a try that timed out (the partition was moving: a message
   * to it can be lost) or whose reply {@code again} accepts (it was handing over) is repeated after a
   * short pause until ask-timeout has passed; then the last outcome stands. A first try that finds the
   * partition's command buffer full fails at once ({@link LedgerBusyException}, nothing recorded); a
   * later one waits and tries again like a lost one: its call was taken, and a hand-over is what
   * filled the buffer (every caller's tries pile up while the partition moves).
   */
  <R> CompletionStage<R> askRetrying(String id, Function<ActorRef<R>, LedgerPartition.Command> message, Predicate<R> again) {
    if (tryTimeout == null) {
      return ask(id, message);
    }
    int p = handle.settings().partitionOf(id);
    long deadline = System.nanoTime() + handle.settings().askTimeout().toNanos();
    // tracked as a whole: a retry scheduled just before the ActorSystem terminates would never run
    return tracked(Retries.until(system, deadline,
        () -> askPartition(p, message, tryTimeout, deadline), again, (n, t) -> n > 0 || !(t instanceof LedgerBusyException))
        .toCompletableFuture());
  }

  <R> CompletionStage<R> askPartition(int p, Function<ActorRef<R>, LedgerPartition.Command> message) {
    Duration timeout = handle.settings().askTimeout();
    return askPartition(p, message, timeout, gate == null ? 0 : System.nanoTime() + timeout.toNanos());
  }

  /**
   * One ask to partition {@code p}, bounded by the partition's command buffer and, in cluster mode,
   * by the member's asks in flight ({@link AskGate}): there it waits at most until {@code deadline}
   * (System.nanoTime) for a slot, and once sent waits {@code timeout} or what is left until
   * {@code deadline}, whichever is shorter, so that a call never takes longer than ask-timeout.
   */
  private <R> CompletionStage<R> askPartition(int p, Function<ActorRef<R>, LedgerPartition.Command> message, Duration timeout, long deadline) {
    if (outstanding.incrementAndGet(p) > handle.settings().commandBuffer()) {
      outstanding.decrementAndGet(p);
      return CompletableFuture.failedFuture(
          new LedgerBusyException(
              "ledger partition " + p + " has " + handle.settings().commandBuffer()
                  + " commands waiting (warden.ledger.command-buffer); nothing was recorded, retry later"));
    }
    CompletableFuture<R> reply;
    try {
      reply = gate == null
          ? askTied(p, message, timeout)
          : tracked(gate.ask(deadline, () -> askInline(handle.partitions().get(p), message, shorter(timeout, deadline))));
    } catch (RuntimeException e) { // the node's ActorSystem is stopping
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.whenComplete((r, t) -> outstanding.decrementAndGet(p));
  }

  private static Duration shorter(Duration timeout, long deadline) {
    long left = Math.max(1, deadline - System.nanoTime());
    return left < timeout.toNanos() ? Duration.ofNanos(left) : timeout;
  }

  /** Cluster mode's gate (see {@link AskGate}); null in local mode. For tests. */
  AskGate gate() {
    return gate;
  }

  /** Cluster mode's gate for result waits; null in local mode. For tests. */
  AskGate waitGate() {
    return waitGate;
  }
}
