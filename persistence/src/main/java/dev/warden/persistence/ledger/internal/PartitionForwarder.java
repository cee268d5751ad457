package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobType;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Cluster mode: the facade's stable ref to one partition, forwarding to its sharded entity.
 * A job type registered here stays on this node (its handler is code, not a message): it goes
 * into the node's registry, and the partition is told to read the registry of the node it runs on.
 */
final class PartitionForwarder {
  private PartitionForwarder() {}

  static Behavior<LedgerPartition.Command> create(EntityRef<LedgerPartition.Command> entity, Map<String, JobType> nodeTypes) {
    return Behaviors.receiveMessage(m -> {
      if (m instanceof LedgerPartition.RegisterType r) {
        nodeTypes.put(r.type().name(), r.type());
        entity.tell(LedgerPartition.TypesChanged.INSTANCE);
      } else {
        entity.tell(m);
      }
      return Behaviors.same();
    });
  }
}
