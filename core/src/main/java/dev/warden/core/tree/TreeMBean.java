package dev.warden.core.tree;

import java.util.List;
import java.util.stream.Collectors;

/** {@link TreeMXBean} over the live registry. */
final class TreeMBean implements TreeMXBean {
  private final SupervisorTree tree;

  TreeMBean(SupervisorTree tree) {
    this.tree = tree;
  }

  @Override
  public List<TreeNode> getNodes() {
    return tree.snapshot();
  }

  @Override
  public String getRendered() {
    return SupervisorTree.render(tree.snapshot());
  }

  @Override
  public int getNodeCount() {
    return tree.snapshot().size();
  }

  @Override
  public List<String> getDegradedKinds() {
    return tree.snapshot().stream()
        .filter(n -> n.state() == NodeState.DEGRADED && n.depth() == 1)
        .map(TreeNode::getKind)
        .collect(Collectors.toList());
  }
}
