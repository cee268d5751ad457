package dev.warden.core.tree;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Registry of every supervised node. Each node is written only by the supervisor that owns it
 * (one writer per entry); readers (JMX, the CLI, tests) get immutable {@link TreeNode}
 * snapshots. Nodes below a kind are removed when they stop for good, so the registry stays as
 * large as the live tree plus one entry per kind.
 */
public final class SupervisorTree {
  private final ConcurrentHashMap<String, TreeNode> nodes = new ConcurrentHashMap<>();

  public void register(String path, String kind) {
    nodes.put(path, TreeNode.starting(path, kind, System.currentTimeMillis()));
  }

  public void update(String path, UnaryOperator<TreeNode> change) {
    nodes.computeIfPresent(path, (p, n) -> change.apply(n));
  }

  public void state(String path, NodeState state) {
    long now = System.currentTimeMillis();
    update(path, n -> n.withState(state, now));
  }

  public void remove(String path) {
    nodes.remove(path);
  }

  public Optional<TreeNode> node(String path) {
    return Optional.ofNullable(nodes.get(path));
  }

  /** Every node, sorted by path (parents before their children; worker-2 before worker-10). */
  public List<TreeNode> snapshot() {
    List<TreeNode> all = new ArrayList<>(nodes.values());
    all.sort(Comparator.comparing(TreeNode::getPath, SupervisorTree::comparePaths));
    return all;
  }

  /** Segment by segment; a segment's trailing number compares as a number. */
  static int comparePaths(String a, String b) {
    String[] x = a.split("/");
    String[] y = b.split("/");
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = compareSegments(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  private static int compareSegments(String a, String b) {
    int da = digitsFrom(a);
    int db = digitsFrom(b);
    if (da < a.length() && db < b.length() && a.substring(0, da).equals(b.substring(0, db))
        && a.length() - da < 10 && b.length() - db < 10) {
      return Long.compare(Long.parseLong(a.substring(da)), Long.parseLong(b.substring(db)));
    }
    return a.compareTo(b);
  }

  private static int digitsFrom(String s) {
    int i = s.length();
    while (i > 0 && Character.isDigit(s.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  /** This tree as an MXBean, for the node's {@code type=Tree} MBean. */
  public TreeMXBean mxBean() {
    return new TreeMBean(this);
  }

  /** Renders {@code nodes} as an indented tree, one line per node. */
  public static String render(List<TreeNode> nodes) {
    StringBuilder sb = new StringBuilder();
    for (TreeNode n : nodes) {
      sb.append("  ".repeat(n.depth()))
          .append(n.depth() == 0 ? n.getPath() : n.name())
          .append("  [")
          .append(n.getKind())
          .append("] ")
          .append(n.getState())
          .append("  restarts=")
          .append(n.getRestartCount());
      if (n.getUptimeMillis() > 0) {
        sb.append("  uptime=").append(n.getUptimeMillis()).append("ms");
      }
      if (!n.getInfo().isEmpty()) {
        sb.append("  ").append(n.getInfo());
      }
      if (!n.getLastFailure().isEmpty()) {
        sb.append("  last-failure=\"").append(n.getLastFailure()).append('"');
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
