package dev.warden.ops;

import dev.warden.core.Warden;
import dev.warden.core.WardenSettings;
import dev.warden.core.jmx.JmxCredentials;
import dev.warden.core.tree.SupervisorTree;
import dev.warden.core.tree.TreeNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.management.JMException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code warden tree --jmx HOST:PORT}: prints a running node's supervisor tree over JMX, logged in
 * as {@code --user} (read-only {@code monitor} by default).
 */
@Command(name = "tree", mixinStandardHelpOptions = true, description = "Print a running node's supervisor tree over JMX.")
final class TreeCommand implements Callable<Integer> {
  /** Environment variable holding the password, when no {@code --password-file} is given. */
  static final String PASSWORD_ENV = "WARDEN_JMX_PASSWORD";

  @Option(names = "--jmx", required = true, paramLabel = "HOST:PORT", description = "the node's JMX connector, e.g. 127.0.0.1:9010")
  String jmx;

  @Option(names = "--user", paramLabel = "USER", defaultValue = JmxCredentials.MONITOR_USER,
      description = "JMX user (default: ${DEFAULT-VALUE}, read-only)")
  String user;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "password file (JDK jmxremote.password format) holding the user's password; default: $"
          + PASSWORD_ENV + ", else the node's warden.jmx.connector.password-file, else DATA/jmx/jmxremote.password")
  Path passwordFile;

  @Option(names = "--tls", description = "connect over TLS (trust the node's certificate with "
      + "JAVA_OPTS=-Djavax.net.ssl.trustStore=FILE); on by itself when the config sets warden.jmx.connector.ssl")
  boolean tls;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws JMException {
    JmxTreeReader.Address address = JmxTreeReader.Address.parse(jmx);
    Map<String, List<TreeNode>> trees;
    Map<String, List<String>> cluster = new java.util.HashMap<>();
    try (JmxTreeReader reader = JmxTreeReader.connect(address, user, password(), tls || tlsConfigured())) {
      trees = reader.trees();
      for (String name : trees.keySet()) {
        cluster.put(name, reader.cluster(name));
      }
    } catch (IOException | SecurityException e) {
      System.err.println("warden: cannot read JMX at " + jmx + " as " + user + ": " + WardenCli.oneLine(e.getMessage()));
      return 1;
    }
    if (trees.isEmpty()) {
      System.err.println("warden: no Warden node registered at " + jmx);
      return 1;
    }
    trees.forEach((name, nodes) -> {
      System.out.println("node " + name);
      System.out.print(SupervisorTree.render(nodes));
      cluster.getOrDefault(name, List.of()).forEach(line -> System.out.println("  " + line));
    });
    return 0;
  }

  private String password() {
    if (passwordFile != null) {
      return JmxCredentials.passwordOf(passwordFile, user);
    }
    String env = System.getenv(PASSWORD_ENV);
    if (env != null && !env.isEmpty()) {
      return env;
    }
    WardenSettings s = configured();
    Path file = s.jmxConnector().passwordFile().orElse(JmxCredentials.generatedPasswordFile(s.dataDir()));
    if (!Files.isReadable(file)) {
      throw new NodeOptions.UsageError("no JMX password for " + user + ": give --password-file FILE, set $"
          + PASSWORD_ENV + ", or point --data/--config at the node (cannot read " + file + ")");
    }
    return JmxCredentials.passwordOf(file, user);
  }

  private boolean tlsConfigured() {
    return configured().jmxConnector().tls().enabled();
  }

  /** The settings of the node this command talks to, as --config, --data and -D describe it. */
  private WardenSettings configured() {
    return WardenSettings.create(Warden.loadConfig(node.overrides()));
  }
}
