package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.internal.PartitionProtocol.Drain;
import dev.warden.persistence.ledger.internal.PartitionProtocol.HandOff;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A partition's graceful stop: a drain (at a node's stop) starts nothing new, lets running attempts
 * finish within warden.ledger.drain-timeout, writes what is buffered and answers; a hand-over
 * (Cluster Sharding moves the partition) drains the same way and then stops it.
 */
final class PartitionDrain {
  private final LedgerPartition p;
  /** Who waits for the drain's answer; null when no drain runs. */
  private ActorRef<Done> drainReply;
  /** Set by the first Drain and never cleared: a drained partition must not start work while its siblings drain. */
  private boolean stopping;
  /** Set by the first {@link HandOff}: the drain's answer (a second HandOff) stops the partition. */
  private boolean handingOff;
  /** Attempts (id#attempt) already marked Suspended by a drain that timed out. */
  private final Set<String> suspended = new HashSet<>();

  PartitionDrain(LedgerPartition partition) {
    this.p = partition;
  }

  boolean draining() {
    return stopping;
  }

  Effect<LedgerBatch, PartitionState> onDrain(PartitionState s, Drain d) {
    drainReply = d.replyTo();
    stopping = true;
    p.timers.startSingleTimer(LedgerPartition.DrainTimeout.INSTANCE, LedgerPartition.DrainTimeout.INSTANCE, p.settings.drainTimeout());
    check();
    return p.effects().none();
  }

  /** Sharding's stop message: a drain with nobody to answer, then a stop (see {@link HandOff}). */
  Effect<LedgerBatch, PartitionState> onHandOff(PartitionState s, HandOff h) {
    if (handingOff || (stopping && drainReply == null && p.executions.isEmpty() && p.flusher.idle())) {
      p.ctx.getLog().info("ledger partition [{}] drained; stopping for the hand-over", p.wiring.partition());
      // Result waiters would wait in vain: each gets its job as it is (not terminal), and the facade
      // asks again where the partition lands.
      p.releaseWaiters(s);
      return p.effects().stop();
    }
    p.ctx.getLog().info("ledger partition [{}] hands over: draining [{}] running attempts", p.wiring.partition(), p.executions.size());
    handingOff = true;
    return onDrain(s, new Drain(p.ctx.messageAdapter(Done.class, d -> HandOff.INSTANCE)));
  }

  /** Answers the drain once no attempt runs and nothing waits to be written. */
  void check() {
    if (drainReply != null && p.executions.isEmpty() && p.flusher.idle()) {
      finishDrain();
    }
  }

  /**
   * Answers the drain. Attempts still running (the drain timed out) get a Suspended mark first,
   * in one row: they resume as new attempts at the next start, and the mark tells that start they
   * were stopped by a deploy, not cut short by a crash (warden.ledger.max-cut-attempts).
   */
  Effect<LedgerBatch, PartitionState> finishDrain() {
    if (drainReply == null) {
      return p.effects().none();
    }
    p.timers.cancel(LedgerPartition.DrainTimeout.INSTANCE);
    ActorRef<Done> reply = drainReply;
    drainReply = null;
    if (p.executions.isEmpty()) {
      reply.tell(Done.getInstance());
      return p.effects().none();
    }
    p.ctx.getLog().info(
        "ledger partition [{}] stops with [{}] attempts still running; marked suspended, they resume at the next start",
        p.wiring.partition(), p.executions.size());
    long now = p.clock.millis();
    List<JobEvent> marks = new ArrayList<>(p.executions.size());
    p.executions.values().forEach(x -> {
      if (suspended.add(x.jobId() + "#" + x.attempt())) { // a hand-over after a node's leave drain: marked once
        marks.add(new JobEvent.Suspended(x.jobId(), now, x.attempt()));
      }
    });
    if (marks.isEmpty()) {
      reply.tell(Done.getInstance());
      return p.effects().none();
    }
    return p.effects().persist(new LedgerBatch(List.copyOf(marks))).thenRun(st -> reply.tell(Done.getInstance()));
  }
}
