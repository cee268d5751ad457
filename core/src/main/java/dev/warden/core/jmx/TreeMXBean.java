package dev.warden.core.jmx;

import dev.warden.core.tree.TreeNode;
import java.util.List;

/**
 * The whole supervisor tree of one node, as open types: {@code Nodes} arrives at any JMX client
 * as an array of {@code CompositeData} (path, kind, state, restartCount, lastFailure,
 * lastFailureAtMillis, startedAtMillis, uptimeMillis).
 */
public interface TreeMXBean {
  List<TreeNode> getNodes();

  /** The tree rendered as indented text, one node per line. */
  String getRendered();

  int getNodeCount();

  /** Kinds currently DEGRADED. */
  List<String> getDegradedKinds();
}
