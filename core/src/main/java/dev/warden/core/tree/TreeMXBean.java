package dev.warden.core.tree;

import java.util.List;

/**
 * The whole supervisor tree of one node, as open types: {@code Nodes} arrives at any JMX client
 * as an array of {@code CompositeData} (path, kind, state, restartCount, lastFailure,
 * lastFailureAtMillis, startedAtMillis, uptimeMillis). Registered by every node as
 * {@code dev.warden:node=<node>,type=Tree}; {@link SupervisorTree#mxBean()} makes it.
 */
public interface TreeMXBean {
  List<TreeNode> getNodes();

  /** The tree rendered as indented text, one node per line. */
  String getRendered();

  int getNodeCount();

  /** Kinds currently DEGRADED. */
  List<String> getDegradedKinds();
}
