package dev.warden.persistence.checkpoint;

import dev.warden.core.KindContext;
import dev.warden.core.metrics.NodeMeters;
import dev.warden.persistence.journal.JournalDb;
import dev.warden.persistence.journal.JournalMeters;
import java.time.Duration;
import javax.management.ObjectName;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Where one checkpointer incarnation shows its figures besides its log: its MBean (and the
 * journal's, if no one registered it yet), the node's meters and the kind's metrics. Registered
 * when the actor starts, left at its stop. Called by the owning actor only.
 */
final class CheckpointerJmx implements Checkpointer.Publisher {
  private final KindContext kind;
  private final NodeMeters meters;
  private final CheckpointerMBean mbean;
  private final ObjectName mbeanName;
  /** The journal's MBean when this checkpointer registered it (it or the ledger, whichever starts first), else null. */
  private final ObjectName journalName;

  private CheckpointerJmx(ActorContext<Checkpointer.Command> ctx, KindContext kind, Duration askTimeout) {
    this.kind = kind;
    this.meters = NodeMeters.get(ctx.getSystem());
    this.mbean = new CheckpointerMBean(ctx.getSelf(), ctx.getSystem().scheduler(), askTimeout);
    this.mbeanName = kind.jmx().name("Checkpointer", null);
    kind.jmx().register(mbeanName, mbean);
    this.journalName = JournalDb.registerMBean(kind.jmx(), ctx.getSystem());
    meters.bind("checkpointer", CheckpointerMeters.of(mbean));
    JournalMeters.bind(ctx.getSystem());
    kind.metrics().gauge("checkpoint-last-ms", () -> mbean.figures().lastElapsedMillis());
    kind.metrics().gauge("checkpoint-p50-ms", mbean::getP50Millis);
    kind.metrics().gauge("checkpoint-p95-ms", mbean::getP95Millis);
  }

  /** Registers the checkpointer of {@code ctx}; JMX's {@code checkpointNow} waits at most {@code askTimeout}. */
  static CheckpointerJmx register(ActorContext<Checkpointer.Command> ctx, KindContext kind, Duration askTimeout) {
    return new CheckpointerJmx(ctx, kind, askTimeout);
  }

  @Override
  public void published(Checkpointer.Result result, CheckpointerMBean.Figures figures) {
    kind.metrics().counter("checkpoints").increment();
    if (!result.succeeded()) {
      kind.metrics().counter("checkpoint-failures").increment();
    }
    mbean.publish(figures);
  }

  @Override
  public void close() {
    kind.jmx().unregister(mbeanName);
    meters.unbind("checkpointer");
    if (journalName != null) {
      kind.jmx().unregister(journalName);
    }
  }
}
