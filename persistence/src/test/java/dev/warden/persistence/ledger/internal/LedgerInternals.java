package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.LedgerSettings;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import dev.warden.core.supervision.ChildSpec;
import dev.warden.core.supervision.SupervisionSettings;
import dev.warden.core.supervision.Supervisor;
import dev.warden.core.tree.SupervisorTree;

/** What tests read inside a running ledger: the handle {@link JobLedger} holds, and the figures behind it. */
public final class LedgerInternals {
  private LedgerInternals() {}

  public static LedgerRoot.Handle handle(JobLedger ledger) {
    try {
      java.lang.reflect.Field f = JobLedger.class.getDeclaredField("handle");
      f.setAccessible(true);
      return (LedgerRoot.Handle) f.get(ledger);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  public static LedgerStats stats(JobLedger ledger) {
    return handle(ledger).stats();
  }

  /**
   * Local mode's handle over one partition (warden.ledger.partitions = 1 in {@code testKit}'s config),
   * spawned by {@code testKit} on the journal its config names under Warden's {@link Supervisor}, as a
   * node spawns it: a journal failure stops the partition and it is started again after a short backoff
   * (every failure counts as an outage of its journal here); its recovery summaries go to {@code recovered}.
   */
  public static LedgerRoot.Handle onePartition(ActorTestKit testKit, ActorRef<LedgerPartition.Recovered> recovered) {
    LedgerSettings settings = LedgerSettings.create(testKit.system().settings().config());
    LedgerStats stats = new LedgerStats(1);
    NodePermits permits = new NodePermits(1);
    ActorRef<LedgerRoot.Command> root = testKit.<LedgerRoot.Command>createTestProbe().ref(); // one partition: nothing to route
    LedgerPartition.Wiring wiring = new LedgerPartition.Wiring(0, settings, stats, permits, root, recovered);
    SupervisionSettings backoff = new SupervisionSettings(3, Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(200), 0);
    ActorRef<LedgerPartition.Command> partition = testKit.spawn(Supervisor.create(
        ChildSpec.of("/test/ledger/partition-0", "ledger", () -> LedgerPartition.create(wiring), backoff).withOutage(t -> true),
        new SupervisorTree()), "partition-0").narrow();
    LedgerRoot.Handle handle = new LedgerRoot.Handle(List.of(partition), settings, stats, permits);
    permits.wakeWith(p -> partition.tell(LedgerPartition.Wake.INSTANCE));
    return handle;
  }
}
