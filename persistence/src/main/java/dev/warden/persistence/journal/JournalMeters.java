package dev.warden.persistence.journal;

import dev.warden.core.metrics.MeterScope;
import dev.warden.core.metrics.NodeMeters;
import io.micrometer.core.instrument.Tags;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The {@link JournalMXBean}'s figures as meters ({@code warden_journal_*}), read from the same live
 * counters. Bound once per node by whichever kind opens the journal first, like the MBean.
 */
public final class JournalMeters {
  private JournalMeters() {}

  /** Binds the journal's meters on {@code system}'s {@link NodeMeters} unless bound already. */
  public static void bind(ActorSystem<?> system) {
    JournalMXBean j = JournalDb.mxBean(system);
    NodeMeters.get(system).bindIfAbsent("journal", scope -> of(scope, j));
  }

  private static void of(MeterScope scope, JournalMXBean j) {
    Tags none = Tags.empty();
    scope.gauge("warden.journal.plugin", "1, labelled with the journal plugin in use (the figures are zero unless it is warden-journal)",
            null, Tags.of("plugin", j.getPlugin()), () -> 1)
        .counter("warden.journal.commits", "Transactions the journal writer committed (each a group of writes)", null, none,
            j::getCommits)
        .counter("warden.journal.writes", "Writes committed: persists of one or more events, snapshot saves, deletes", null,
            none, j::getWrites)
        .counter("warden.journal.failed.writes", "Writes that failed or were refused because the queue was full", null, none,
            j::getFailedWrites)
        .gauge("warden.journal.largest.group", "Most writes committed in one transaction so far", "writes", none,
            j::getLargestGroup)
        .gauge("warden.journal.queued", "Writes waiting for the writer now (at most warden.journal.queue-size)", "writes",
            none, j::getQueuedWrites)
        .counter("warden.journal.reads", "Reads answered: replays, highest sequence numbers, snapshot loads", null, none,
            j::getReads)
        .counter("warden.journal.failed.reads", "Reads that failed or were refused", null, none, j::getFailedReads);
  }
}
