package dev.warden.core.tree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SupervisorTreeTest {
  @Test
  void parentsComeBeforeChildrenAndNumberedSiblingsSortNumerically() {
    SupervisorTree t = new SupervisorTree();
    for (String p : List.of("/warden/ledger/partition-10", "/warden/ledger", "/warden/ledger/partition-2",
        "/warden", "/warden/ledger/reaper", "/warden/checkpointer", "/warden/ledger/partition-1")) {
      t.register(p, "k");
    }
    assertThat(t.snapshot().stream().map(TreeNode::getPath).collect(Collectors.toList())).containsExactly(
        "/warden", "/warden/checkpointer", "/warden/ledger", "/warden/ledger/partition-1",
        "/warden/ledger/partition-2", "/warden/ledger/partition-10", "/warden/ledger/reaper");
  }
}
