package dev.warden.persistence.ledger;

import dev.warden.core.PerNode;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import dev.warden.persistence.ledger.internal.ClusterPlacement;
import dev.warden.persistence.ledger.internal.LedgerPartition;
import dev.warden.persistence.ledger.internal.LedgerRoot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The host's API to the job ledger, and the one way to reach its partitions (a later cluster
 * mode swaps the local refs for Cluster Sharding behind the same methods).
 *
 * <pre>{@code
 * try (Warden warden = Warden.start(conf, LedgerKind.create(), CheckpointerKind.create())) {
 *   JobLedger jobs = JobLedger.of(warden);
 *   jobs.register(JobType.of("resize", (payload, ctx) -> resize(payload)));
 *   jobs.submit("resize", "img-42", "{\"w\":640}").toCompletableFuture().join();
 *   String out = jobs.result("img-42").toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p>Bounds: at most {@code warden.ledger.command-buffer} unanswered commands per partition;
 * beyond that a call fails at once with {@link LedgerBusyException} (nothing recorded, retry
 * later). {@code submit} is idempotent by id for live and retained terminal jobs.
 */
public final class JobLedger {
  private static final PerNode<JobLedger> instances = new PerNode<>();

  private final ActorSystem<?> system;
  private final LedgerRoot.Handle handle;
  private final Map<String, JobType> types = new ConcurrentHashMap<>();
  private final AtomicIntegerArray outstanding;
  /** Cluster mode: one try of a submit or a query (warden.ledger.cluster.try-timeout); null in local mode. */
  private final Duration tryTimeout;
  /** Asks not answered yet (see {@link #tracked}). */
  private final java.util.Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

  private JobLedger(ActorSystem<?> system, LedgerRoot.Handle handle) {
    this.system = system;
    this.handle = handle;
    this.outstanding = new AtomicIntegerArray(handle.partitions().size());
    this.tryTimeout = handle.clustered() ? ClusterPlacement.tryTimeout(system.settings().config()) : null;
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
  private <R> CompletableFuture<R> tracked(CompletableFuture<R> f) {
    inFlight.add(f);
    f.whenComplete((r, t) -> inFlight.remove(f));
    if (system.getWhenTerminated().toCompletableFuture().isDone()) {
      f.completeExceptionally(stopped());
    }
    return f;
  }

  /** The ledger of a running node that has {@link LedgerKind#create()}; blocks briefly the first time. */
  public static JobLedger of(Warden warden) {
    return instances.get(warden, JobLedger::connect);
  }

  private static JobLedger connect(Warden warden) {
    ActorRef<LedgerRoot.Command> root = warden.kind(LedgerKind.NAME);
    try {
      LedgerRoot.Handle h =
          AskPattern.<LedgerRoot.Command, LedgerRoot.Handle>ask(root, LedgerRoot.GetHandle::new, Duration.ofSeconds(10), warden.system().scheduler())
              .toCompletableFuture()
              .get(11, TimeUnit.SECONDS);
      return new JobLedger(warden.system(), h);
    } catch (Exception e) {
      throw new IllegalStateException("the ledger kind did not answer: " + e, e);
    }
  }

  /**
   * Registers (or replaces) a job type on this node, with {@code warden.ledger.types.<name>}
   * applied over its policy. Journaled jobs of the type resume once it is registered.
   */
  public void register(JobType type) {
    LedgerSettings.TypeOverride o = handle.settings().types().get(type.name());
    JobType effective = o == null ? type : type.withPolicy(type.policy().with(o));
    types.put(type.name(), effective);
    handle.permits().limit(type.name(), effective.policy().maxConcurrency());
    handle.partitions().forEach(p -> p.tell(new LedgerPartition.RegisterType(effective)));
  }

  public CompletionStage<JobView> submit(String type, String id, String payload) {
    return submit(type, id, payload, null);
  }

  /**
   * Completes once the Submitted event is journaled (or with the existing job for a known id).
   * {@code parent}: the job runs only after that job succeeded; null for none. The type must be
   * registered on this node, or paused (its jobs are then held until it is registered and resumed).
   */
  public CompletionStage<JobView> submit(String type, String id, String payload, String parent) {
    if (!types.containsKey(type) && !handle.stats().isPaused(type)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "job type [" + type + "] is not registered (nor paused, which would hold its jobs until it is); registered: " + types.keySet()));
    }
    if (id == null || id.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("job id must not be empty"));
    }
    return forHost(this.<LedgerPartition.SubmitReply>askRetrying(id, r -> new LedgerPartition.Submit(id, type, payload, parent, r),
            reply -> reply instanceof LedgerPartition.Rejected r && r.stopping())
        .thenCompose(
            reply -> reply instanceof LedgerPartition.Rejected r
                ? CompletableFuture.failedFuture(new LedgerBusyException(r.reason()))
                : CompletableFuture.completedFuture(((LedgerPartition.Accepted) reply).job())));
  }

  /**
   * Pauses job type {@code type}: its jobs are still accepted and kept, none is started (running
   * attempts finish). Journaled, so the type stays paused across restarts until {@link #resume}.
   * A paused type takes submits even before its handler is registered on this node (staging a
   * backlog). Completes once every partition has written it. Also a JMX operation.
   */
  public CompletionStage<Void> pause(String type) {
    return LedgerControl.hold(system, handle, type, true);
  }

  /** Resumes a paused job type: its pending jobs dispatch at once (once it is registered). */
  public CompletionStage<Void> resume(String type) {
    return LedgerControl.hold(system, handle, type, false);
  }

  /** Job types paused on this ledger. */
  public java.util.Set<String> paused() {
    return handle.stats().paused();
  }

  public CompletionStage<Optional<JobView>> status(String id) {
    return forHost(this.<LedgerPartition.Found>askRetrying(id, r -> new LedgerPartition.GetStatus(id, r), f -> false)
        .thenApply(LedgerPartition.Found::job));
  }

  /** The job's events, oldest first; empty for an unknown (or no longer retained) id. */
  public CompletionStage<List<JobEvent>> history(String id) {
    return forHost(this.<dev.warden.persistence.ledger.internal.LedgerBatch>askRetrying(id, r -> new LedgerPartition.GetHistory(id, r), b -> false)
        .thenApply(b -> b.events()));
  }

  /**
   * The job's result once it succeeded; fails with {@link JobFailedException} when it gave up,
   * was cancelled or is unknown, and with a timeout after {@code warden.ledger.result-timeout}.
   */
  public CompletionStage<String> result(String id) {
    return forHost(awaitResult(id, System.nanoTime() + handle.settings().resultTimeout().toNanos())
        .thenCompose(
            v -> {
              if (v.isEmpty()) {
                return CompletableFuture.failedFuture(new JobFailedException("no job [" + id + "]", null));
              }
              JobView j = v.get();
              return j.status() == JobStatus.SUCCEEDED
                  ? CompletableFuture.completedFuture(j.result().orElse(""))
                  : CompletableFuture.failedFuture(
                      new JobFailedException("job [" + id + "] ended " + j.status() + ": " + j.cause().orElse(""), j));
            }));
  }

  /**
   * Local mode: one ask for the whole result timeout. Cluster mode: the partition may move. A partition
   * that hands over answers its waiters with the job as it is (not terminal), and the wait is asked
   * again at once where the partition lands; one lost with a crashed node is asked again after
   * ask-timeout. Either way until the result timeout.
   */
  private CompletionStage<Optional<JobView>> awaitResult(String id, long deadline) {
    long left = deadline - System.nanoTime();
    Duration wait = Duration.ofNanos(Math.max(1, left));
    if (tryTimeout != null && wait.compareTo(handle.settings().askTimeout()) > 0) {
      wait = handle.settings().askTimeout();
    }
    CompletableFuture<Optional<JobView>> once;
    try {
      once = tracked(this.<LedgerPartition.Found>askInline(partition(id), r -> new LedgerPartition.AwaitResult(id, r), wait))
          .thenApply(LedgerPartition.Found::job);
    } catch (RuntimeException e) { // the node's ActorSystem is stopping
      return CompletableFuture.failedFuture(e);
    }
    if (tryTimeout == null) {
      return once;
    }
    return once.handle((v, t) -> !(t == null ? moved(v) : Retries.unwrap(t) instanceof java.util.concurrent.TimeoutException)
                || System.nanoTime() >= deadline
            ? (t == null ? CompletableFuture.completedFuture(v) : CompletableFuture.<Optional<JobView>>failedFuture(t))
            : awaitResult(id, deadline))
        .thenCompose(Function.identity());
  }

  /** A wait answered with a job that is not terminal: its partition stopped for a hand-over, so the wait is asked again. */
  private static boolean moved(Optional<JobView> v) {
    return v.isPresent() && !v.get().status().terminal();
  }

  /** Cancels a live job (a running attempt sees its cancellation signal); terminal jobs are left as they are. */
  public CompletionStage<Optional<JobView>> cancel(String id) {
    return forHost(this.<LedgerPartition.Found>ask(id, r -> new LedgerPartition.Cancel(id, r)).thenApply(LedgerPartition.Found::job));
  }

  /** Operator retry of a job that gave up or was cancelled: a fresh round of attempts; its children follow if it succeeds. */
  public CompletionStage<Optional<JobView>> retry(String id) {
    return forHost(this.<LedgerPartition.Found>ask(id, r -> new LedgerPartition.Retry(id, r)).thenApply(LedgerPartition.Found::job));
  }

  /** Jobs per type and bucket (pending, running, succeeded, failed, blocked, cancelled), kept incrementally. */
  public Map<String, Map<String, Long>> counts() {
    return handle.stats().counts();
  }

  /** One count of {@link #counts()}, e.g. {@code count("resize", "succeeded")}; 0 if none yet. */
  public long count(String type, String bucket) {
    return handle.stats().count(type, bucket);
  }

  /**
   * True once every partition has recovered from the journal since the node started: before that,
   * asks wait in the partitions' stashes. The node's readiness ({@code /ready}).
   */
  public boolean recovered() {
    return handle.stats().recovered();
  }

  /**
   * The partitions running on this node now: all of them in local mode; in cluster mode the ones
   * Cluster Sharding placed here (recovered), which change as members join and leave.
   */
  public List<Integer> partitionsHere() {
    return handle.clustered() ? handle.stats().hosted() : java.util.stream.IntStream.range(0, partitions()).boxed().toList();
  }

  /** The number of partitions ({@code warden.ledger.partitions}). */
  public int partitions() {
    return handle.partitions().size();
  }

  /**
   * A page of jobs matching {@code query}, answered from the partitions' memory (never the
   * journal): live jobs and the most recent terminal ones ({@code warden.ledger.retained-terminal-per-partition}).
   * Pages follow each other through {@link JobPage#next()} without a job twice or a job left out,
   * however many are submitted meanwhile (a job submitted later lists after the cursor when oldest
   * first). Asks every partition once.
   */
  public CompletionStage<JobPage> list(JobQuery query) {
    List<CompletableFuture<List<JobPage.Entry>>> parts = new ArrayList<>();
    for (int p = 0; p < handle.partitions().size(); p++) {
      parts.add(this.<LedgerPartition.Listed>askPartition(p, r -> new LedgerPartition.ListJobs(query, r))
          .thenApply(LedgerPartition.Listed::entries).toCompletableFuture());
    }
    // The merge sorts up to every partition's page: on the dispatcher, not the last partition's thread.
    return forHost(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
      List<JobPage.Entry> all = new ArrayList<>();
      parts.forEach(f -> all.addAll(f.join()));
      all.sort(query.order());
      List<JobPage.Entry> page = all.subList(0, Math.min(query.limit(), all.size()));
      Optional<JobCursor> next = all.size() > query.limit() ? Optional.of(page.get(page.size() - 1).cursor()) : Optional.empty();
      return new JobPage(page, next);
    }, system.executionContext()));
  }

  /** Epoch ms of the reaper's last complete run; 0 before the first. */
  public long reaperLastRun() {
    return handle.stats().reaperLastRun();
  }

  /** The host's view of {@code stage}: see {@link HostFuture}. */
  private <T> CompletionStage<T> forHost(CompletionStage<T> stage) {
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

  private ActorRef<LedgerPartition.Command> partition(String id) {
    return handle.partitions().get(handle.settings().partitionOf(id));
  }

  private <R> CompletionStage<R> ask(String id, Function<ActorRef<R>, LedgerPartition.Command> message) {
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
  private <R> CompletionStage<R> askRetrying(String id, Function<ActorRef<R>, LedgerPartition.Command> message, Predicate<R> again) {
    if (tryTimeout == null) {
      return ask(id, message);
    }
    int p = handle.settings().partitionOf(id);
    return Retries.until(system, System.nanoTime() + handle.settings().askTimeout().toNanos(),
        () -> askPartition(p, message, tryTimeout), again, (n, t) -> n > 0 || !(t instanceof LedgerBusyException));
  }

  private <R> CompletionStage<R> askPartition(int p, Function<ActorRef<R>, LedgerPartition.Command> message) {
    return askPartition(p, message, handle.settings().askTimeout());
  }

  private <R> CompletionStage<R> askPartition(int p, Function<ActorRef<R>, LedgerPartition.Command> message, Duration timeout) {
    if (outstanding.incrementAndGet(p) > handle.settings().commandBuffer()) {
      outstanding.decrementAndGet(p);
      return CompletableFuture.failedFuture(
          new LedgerBusyException(
              "ledger partition " + p + " has " + handle.settings().commandBuffer()
                  + " commands waiting (warden.ledger.command-buffer); nothing was recorded, retry later"));
    }
    CompletableFuture<R> reply;
    try {
      reply = tracked(askInline(handle.partitions().get(p), message, timeout));
    } catch (RuntimeException e) { // the node's ActorSystem is stopping
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.whenComplete((r, t) -> outstanding.decrementAndGet(p));
  }
}
