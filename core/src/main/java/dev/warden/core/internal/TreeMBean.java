package dev.warden.core.internal;

import dev.warden.core.jmx.TreeMXBean;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.SupervisorTree;
import dev.warden.core.tree.TreeNode;
import java.util.List;
import java.util.stream.Collectors;

/** {@link TreeMXBean} over the live registry. */
public final class TreeMBean implements TreeMXBean {
  private final SupervisorTree tree;

  public TreeMBean(SupervisorTree tree) {
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
