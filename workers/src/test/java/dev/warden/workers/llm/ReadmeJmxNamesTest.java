package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.warden.core.Warden;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JMX names the README and the pages under docs/ give (every {@code `dev.warden:...`} in them;
 * the table of MBeans is in docs/operations/jmx.md) are the names a running node registers: written
 * the same way (the node name quoted) and, for every MBean type such a node has, registered under
 * exactly that name.
 */
class ReadmeJmxNamesTest {
  private static final Pattern NAME = Pattern.compile("`(dev\\.warden:[^`]+)`");

  @TempDir Path dir;

  /** The repository's README: the module runs its tests from its own directory, one level down. */
  private static Path readme() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path r = p.resolve("README.md");
      if (Files.isRegularFile(r) && Files.isDirectory(p.resolve("workers"))) {
        return r;
      }
    }
    throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
  }

  /** The README and every Markdown page under docs/ beside it. */
  private static List<Path> pages() throws IOException {
    Path readme = readme();
    List<Path> pages = new ArrayList<>(List.of(readme));
    try (Stream<Path> s = Files.walk(readme.resolveSibling("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  @Test
  void everyJmxNameInTheReadmeIsTheNameANodeRegisters() throws Exception {
    List<String> documented = documentedNames();
    try (Warden warden = LlmNode.start(dir, "")) {
      Llm.of(warden);
      String node = warden.jmxNode();
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName ofNode = new ObjectName("dev.warden:node=" + ObjectName.quote(node) + ",*");
      // Warden.start answers once every kind's supervisor is spawned; each kind registers its own MBean when its
      // actor has set up, which may be later (the checkpointer's, the ledger's and the Journal one, the llm one):
      // wait for the node's set of MBeans, not for the start.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(types(server.queryNames(ofNode, null))).as("a ledger + llm + checkpointer node")
              .contains("llm", "Tree", "Kind", "Checkpointer", "Ledger", "Journal"));
      Set<ObjectName> registered = server.queryNames(ofNode, null);
      Set<String> types = types(registered);

      Set<String> checked = new TreeSet<>();
      for (String text : documented) {
        ObjectName name = new ObjectName(text.replace("<node>", node).replace("<kind>", "llm"));
        if (name.isPattern()) {
          continue; // a query shown as an example, not a name
        }
        assertThat(name.getKeyProperty("node")).as("documented %s writes the node key as the registry does", text)
            .isEqualTo(ObjectName.quote(node));
        if (types.contains(name.getKeyProperty("type"))) {
          assertThat(server.isRegistered(name)).as("documented %s is registered; the node has %s", text, registered).isTrue();
          checked.add(name.getKeyProperty("type"));
        }
      }
      assertThat(checked).as("the pages name the llm kind's MBean and the core ones").contains("llm", "Tree", "Kind");
    }
  }

  private static Set<String> types(Set<ObjectName> names) {
    return names.stream().map(n -> n.getKeyProperty("type")).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> documentedNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (Path page : pages()) {
      Matcher m = NAME.matcher(Files.readString(page));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    assertThat(names).as("JMX names in the README and docs/").isNotEmpty();
    return names;
  }
}
