package dev.warden.ops;

import dev.warden.core.tree.SupervisorTree;
import dev.warden.core.tree.TreeNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.management.JMException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code warden tree --jmx HOST:PORT}: prints a running node's supervisor tree over JMX. */
@Command(name = "tree", mixinStandardHelpOptions = true, description = "Print a running node's supervisor tree over JMX.")
final class TreeCommand implements Callable<Integer> {
  @Option(names = "--jmx", required = true, paramLabel = "HOST:PORT", description = "the node's JMX connector, e.g. 127.0.0.1:9010")
  String jmx;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws JMException {
    Map<String, List<TreeNode>> trees;
    try (JmxTreeReader reader = JmxTreeReader.connect(jmx)) {
      trees = reader.trees();
    } catch (IOException e) {
      System.err.println("warden: cannot read JMX at " + jmx + ": " + WardenCli.oneLine(e.getMessage()));
      return 1;
    }
    if (trees.isEmpty()) {
      System.err.println("warden: no Warden node registered at " + jmx);
      return 1;
    }
    trees.forEach((name, nodes) -> {
      System.out.println("node " + name);
      System.out.print(SupervisorTree.render(nodes));
    });
    return 0;
  }
}
