package dev.warden.persistence.ledger.internal;

import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Every {@code warden.ledger.reaper.tick} asks each partition to reap the attempts whose deadline
 * has passed; the partition decides inside its single writer from its deadline index. One debug
 * line per run with counts, info when something was reaped; the last run's time is a JMX gauge.
 */
final class Reaper extends AbstractBehavior<Reaper.Command> {
  sealed interface Command permits ReapNow, Tick, Reported {}

  /** Run now (JMX {@code reapNow}). */
  enum ReapNow implements Command {
    INSTANCE
  }

  private enum Tick implements Command {
    INSTANCE
  }

  private record Reported(LedgerPartition.ReapReport report) implements Command {}

  static Behavior<Command> create(List<ActorRef<LedgerPartition.Command>> partitions, Duration tick, LedgerStats stats) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> new Reaper(ctx, timers, partitions, tick, stats)));
  }

  private final List<ActorRef<LedgerPartition.Command>> partitions;
  private final LedgerStats stats;
  private final ActorRef<LedgerPartition.ReapReport> reports;
  private long run;
  private int answered;
  private int checked;
  private int reaped;
  private long runStart;

  private Reaper(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      List<ActorRef<LedgerPartition.Command>> partitions,
      Duration tick,
      LedgerStats stats) {
    super(ctx);
    this.partitions = partitions;
    this.stats = stats;
    this.reports = ctx.messageAdapter(LedgerPartition.ReapReport.class, Reported::new);
    timers.startTimerWithFixedDelay(Tick.INSTANCE, tick);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(ReapNow.INSTANCE, this::onTick)
        .onMessage(Reported.class, this::onReported)
        .build();
  }

  private Behavior<Command> onTick() {
    if (answered < partitions.size() && run > 0) {
      getContext().getLog().debug("ledger reaper run [{}]: only [{}] of [{}] partitions answered before the next tick", run, answered, partitions.size());
    }
    run++;
    answered = 0;
    checked = 0;
    reaped = 0;
    runStart = System.nanoTime();
    for (ActorRef<LedgerPartition.Command> p : partitions) {
      p.tell(new LedgerPartition.ReapOverdue(run, reports));
    }
    return this;
  }

  private Behavior<Command> onReported(Reported r) {
    if (r.report().run() != run) {
      return this;
    }
    answered++;
    checked += r.report().checked();
    reaped += r.report().reaped();
    if (answered == partitions.size()) {
      long ms = (System.nanoTime() - runStart) / 1_000_000;
      stats.reaperLastRun.set(System.currentTimeMillis());
      stats.reaperRuns.incrementAndGet();
      if (reaped > 0) {
        getContext().getLog().info("ledger reaper run [{}]: reaped [{}] of [{}] overdue deadlines in [{}] ms", run, reaped, checked, ms);
      } else {
        getContext().getLog().debug("ledger reaper run [{}]: [{}] deadlines due, none reaped, [{}] ms", run, checked, ms);
      }
    }
    return this;
  }
}
