package dev.warden.core.tree;

import java.beans.ConstructorProperties;
import java.time.Instant;

/**
 * Immutable snapshot of one supervised node. It is also the JMX open type of the tree: an
 * MXBean maps each getter to an item of a {@code CompositeData}, so jconsole, VisualVM and
 * plain JMX clients read it without Warden's classes.
 */
public final class TreeNode {
  private final String path;
  private final String kind;
  private final String state;
  private final long restartCount;
  private final String lastFailure;
  private final long lastFailureAtMillis;
  private final long startedAtMillis;
  private final String info;

  @ConstructorProperties({
    "path", "kind", "state", "restartCount", "lastFailure", "lastFailureAtMillis", "startedAtMillis", "info"
  })
  public TreeNode(
      String path,
      String kind,
      String state,
      long restartCount,
      String lastFailure,
      long lastFailureAtMillis,
      long startedAtMillis,
      String info) {
    this.path = path;
    this.kind = kind;
    this.state = state;
    this.restartCount = restartCount;
    this.lastFailure = lastFailure == null ? "" : lastFailure;
    this.lastFailureAtMillis = lastFailureAtMillis;
    this.startedAtMillis = startedAtMillis;
    this.info = info == null ? "" : info;
  }

  static TreeNode starting(String path, String kind, long now) {
    return new TreeNode(path, kind, NodeState.STARTING.name(), 0, "", 0, now, "");
  }

  /** Slash-separated position in the tree, e.g. {@code /warden/faulty}. */
  public String getPath() {
    return path;
  }

  public String getKind() {
    return kind;
  }

  /** One of {@link NodeState}'s names. */
  public String getState() {
    return state;
  }

  public long getRestartCount() {
    return restartCount;
  }

  /** Message of the last failure ("" if none). */
  public String getLastFailure() {
    return lastFailure;
  }

  /** Epoch millis of the last failure, 0 if none. */
  public long getLastFailureAtMillis() {
    return lastFailureAtMillis;
  }

  /** Epoch millis at which the current incarnation started. */
  public long getStartedAtMillis() {
    return startedAtMillis;
  }

  /** Milliseconds the current incarnation has been up (0 unless RUNNING or PAUSED). */
  public long getUptimeMillis() {
    boolean up = NodeState.RUNNING.name().equals(state) || NodeState.PAUSED.name().equals(state);
    return up ? Math.max(0, System.currentTimeMillis() - startedAtMillis) : 0;
  }

  public NodeState state() {
    return NodeState.valueOf(state);
  }

  public TreeNode withState(NodeState s, long now) {
    long started = s == NodeState.RUNNING && !NodeState.PAUSED.name().equals(state) ? now : startedAtMillis;
    return new TreeNode(path, kind, s.name(), restartCount, lastFailure, lastFailureAtMillis, started, info);
  }

  public TreeNode withFailure(String message, long at, boolean countsAsRestart) {
    return new TreeNode(
        path, kind, state, restartCount + (countsAsRestart ? 1 : 0), message, at, startedAtMillis, info);
  }

  /** A short live summary the node's owner publishes (e.g. a trial worker's RSS, age and brakes). */
  public TreeNode withInfo(String newInfo) {
    return new TreeNode(path, kind, state, restartCount, lastFailure, lastFailureAtMillis, startedAtMillis, newInfo);
  }

  /** The owner's live summary ("" if none). */
  public String getInfo() {
    return info;
  }

  /** The depth of this node below the root: {@code /warden} is 0, a kind 1, a kind's child 2. */
  public int depth() {
    int d = -1;
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        d++;
      }
    }
    return Math.max(d, 0);
  }

  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    String failure =
        lastFailure.isEmpty() ? "" : " last-failure=\"" + lastFailure + "\" at " + Instant.ofEpochMilli(lastFailureAtMillis);
    return path + " [" + kind + "] " + state + " restarts=" + restartCount + failure;
  }
}
