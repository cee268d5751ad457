package dev.warden.core.supervision;

import dev.warden.core.KindMetrics;
import dev.warden.core.tree.SupervisorTree;
import dev.warden.core.tree.TreeNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;

/** {@link KindMXBean} for one kind: reads the tree and metrics, sends controls to its supervisor. */
final class KindMBean implements KindMXBean {
  private final String kind;
  private final String path;
  private final SupervisorTree tree;
  private final KindMetrics metrics;
  private final ActorRef<Object> supervisor;
  private final Map<String, ?> operations;
  private final boolean pausable;

  KindMBean(
      String kind,
      String path,
      SupervisorTree tree,
      KindMetrics metrics,
      ActorRef<Object> supervisor,
      Map<String, ?> operations,
      boolean pausable) {
    this.kind = kind;
    this.path = path;
    this.tree = tree;
    this.metrics = metrics;
    this.supervisor = supervisor;
    this.operations = new TreeMap<>(operations);
    this.pausable = pausable;
  }

  private TreeNode node() {
    return tree.node(path).orElseThrow(() -> new IllegalStateException("kind " + kind + " is not in the tree"));
  }

  @Override
  public String getName() {
    return kind;
  }

  @Override
  public String getState() {
    return node().getState();
  }

  @Override
  public long getRestartCount() {
    return node().getRestartCount();
  }

  @Override
  public String getLastFailure() {
    return node().getLastFailure();
  }

  @Override
  public long getUptimeMillis() {
    return node().getUptimeMillis();
  }

  @Override
  public Map<String, Long> getCounters() {
    return metrics.snapshot();
  }

  @Override
  public boolean isPausable() {
    return pausable;
  }

  @Override
  public List<String> getOperations() {
    return new ArrayList<>(operations.keySet());
  }

  @Override
  public void restart() {
    supervisor.tell(Supervisor.Control.RESTART);
  }

  @Override
  public void pause() {
    if (!pausable) {
      throw new UnsupportedOperationException("kind " + kind + " cannot be paused");
    }
    supervisor.tell(Supervisor.Control.PAUSE);
  }

  @Override
  public void resume() {
    if (!pausable) {
      throw new UnsupportedOperationException("kind " + kind + " cannot be paused");
    }
    supervisor.tell(Supervisor.Control.RESUME);
  }

  @Override
  public String invoke(String operation) {
    Object msg = operations.get(operation);
    if (msg == null) {
      throw new IllegalArgumentException(
          "kind " + kind + " has no operation [" + operation + "]; known: " + operations.keySet());
    }
    supervisor.tell(msg);
    return "sent " + operation + " to " + kind;
  }
}
