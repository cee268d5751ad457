package dev.warden.persistence.ledger;

import dev.warden.core.PerNode;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.CheckpointerKind;
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
 * later). In cluster mode, at most {@code warden.ledger.cluster.max-asks-in-flight} submits, reads,
 * cancels, retries and list asks of this member are in flight through Cluster Sharding at once (an
 * unbounded burst starves the cluster's heartbeats until members are downed); the calls beyond it
 * wait in this facade, first come first sent, at most {@code warden.ledger.cluster.max-queued-asks}
 * of them (beyond that, {@link LedgerBusyException} at once). The wait counts toward
 * {@code warden.ledger.ask-timeout}: a call that waited it all fails with a
 * {@link java.util.concurrent.TimeoutException} and was never sent (nothing recorded). {@link #result}'s
 * waits have a bound of their own, {@code warden.ledger.cluster.max-waits-in-flight} (each holds its
 * slot while its job runs, so they would hold off the submits), with its own queue
 * ({@code max-queued-waits}), the wait counted in {@code warden.ledger.result-timeout}.
 * {@code submit} is idempotent by id for live and retained terminal jobs.
 */
public final class JobLedger {
  private static final PerNode<JobLedger> instances = new PerNode<>();

  private final ActorSystem<?> system;
  private final LedgerRoot.Handle handle;
  private final Map<String, JobType> types = new ConcurrentHashMap<>();
  private final PartitionAsks asks;

  private JobLedger(ActorSystem<?> system, LedgerRoot.Handle handle) {
    this.system = system;
    this.handle = handle;
    this.asks = new PartitionAsks(system, handle);
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
    return asks.forHost(asks.<LedgerPartition.SubmitReply>askRetrying(id, r -> new LedgerPartition.Submit(id, type, payload, parent, r),
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
    return hold(type, true);
  }

  /** Resumes a paused job type: its pending jobs dispatch at once (once it is registered). */
  public CompletionStage<Void> resume(String type) {
    return hold(type, false);
  }

  private CompletionStage<Void> hold(String type, boolean paused) {
    // tracked as a whole, like a submit: a retry scheduled as the ActorSystem terminates never runs,
    // and a try in flight then is never answered nor timed out (its timeout ran on that scheduler)
    return asks.tracked(LedgerControl.hold(system, handle, type, paused).toCompletableFuture());
  }

  /** Job types paused on this ledger. */
  public java.util.Set<String> paused() {
    return handle.stats().paused();
  }

  public CompletionStage<Optional<JobView>> status(String id) {
    return asks.forHost(asks.<LedgerPartition.Found>askRetrying(id, r -> new LedgerPartition.GetStatus(id, r), f -> false)
        .thenApply(LedgerPartition.Found::job));
  }

  /** The job's events, oldest first; empty for an unknown (or no longer retained) id. */
  public CompletionStage<List<JobEvent>> history(String id) {
    return asks.forHost(asks.<dev.warden.persistence.ledger.internal.LedgerBatch>askRetrying(id, r -> new LedgerPartition.GetHistory(id, r), b -> false)
        .thenApply(b -> b.events()));
  }

  /**
   * The job's result once it succeeded; fails with {@link JobFailedException} when it gave up,
   * was cancelled or is unknown, and with a timeout after {@code warden.ledger.result-timeout}.
   */
  public CompletionStage<String> result(String id) {
    return asks.forHost(asks.awaitResult(id, System.nanoTime() + handle.settings().resultTimeout().toNanos())
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

  /** Cancels a live job (a running attempt sees its cancellation signal); terminal jobs are left as they are. */
  public CompletionStage<Optional<JobView>> cancel(String id) {
    return asks.forHost(asks.<LedgerPartition.Found>ask(id, r -> new LedgerPartition.Cancel(id, r)).thenApply(LedgerPartition.Found::job));
  }

  /** Operator retry of a job that gave up or was cancelled: a fresh round of attempts; its children follow if it succeeds. */
  public CompletionStage<Optional<JobView>> retry(String id) {
    return asks.forHost(asks.<LedgerPartition.Found>ask(id, r -> new LedgerPartition.Retry(id, r)).thenApply(LedgerPartition.Found::job));
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
      parts.add(asks.<LedgerPartition.Listed>askPartition(p, r -> new LedgerPartition.ListJobs(query, r))
          .thenApply(LedgerPartition.Listed::entries).toCompletableFuture());
    }
    // The merge sorts up to every partition's page: on the dispatcher, not the last partition's thread.
    return asks.forHost(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApplyAsync(v -> {
      List<JobPage.Entry> all = new ArrayList<>();
      parts.forEach(f -> all.addAll(f.join()));
      all.sort(query.order());
      List<JobPage.Entry> page = all.subList(0, Math.min(query.limit(), all.size()));
      Optional<JobCursor> next = all.size() > query.limit() ? Optional.of(page.get(page.size() - 1).cursor()) : Optional.empty();
      return new JobPage(page, next);
    }, system.executionContext()));
  }

  /** Cluster mode's bound on this member's asks through sharding; null in local mode. For tests. */
  AskGate askGate() {
    return asks.gate();
  }

  /** Cluster mode's bound on this member's result waits through sharding; null in local mode. For tests. */
  AskGate waitGate() {
    return asks.waitGate();
  }

  /** Epoch ms of the reaper's last complete run; 0 before the first. */
  public long reaperLastRun() {
    return handle.stats().reaperLastRun();
  }
}
