package dev.warden.persistence;

import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the test programs that run one cluster member in a child JVM share (the ledger's
 * {@code ClusterNodeMain}, the workers' {@code SingletonsNodeMain}; through this module's
 * test-jar). Their arguments start alike: {@code args[0]} the directory for data and the URL file,
 * {@code args[1]} the shared journal's JDBC URL (H2 TCP, or PostgreSQL with user {@code args[5]} and
 * password {@code args[6]}), {@code args[2]} the Artery port, {@code args[3]} the seeds
 * (comma-separated host:port). The member is named {@code node-<Artery port>}.
 */
public final class ClusterMember {
  /** Starts the member's node from its configuration (the program adds its own keys and kinds). */
  @FunctionalInterface
  public interface Start {
    Warden start(String config) throws Exception;
  }

  private ClusterMember() {}

  /**
   * The member's configuration: its name and data directory, JMX off, the HTTP API on a free port,
   * the shared journal, cluster mode with the seeds, {@code stable-after = 3s} and two members
   * before any is Up, Pekko Management on {@code managementPort} (0: a free port).
   */
  public static String config(String[] args, String managementPort) {
    String name = name(args);
    return "warden.node-name = \"" + name + "\"\n"
        + "warden.data-dir = \"" + Path.of(args[0]).resolve(name).toAbsolutePath() + "\"\n"
        + "warden.jmx.enabled = off\n"
        + "warden.http { enabled = on, generate-token = off, port = 0 }\n"
        + journal(args)
        + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds(args[3]) + "], stable-after = 3s,"
        + " min-nr-of-members = 2, management.port = " + managementPort + " }\n";
  }

  /**
   * A member program's {@code main}: starts the node, writes its HTTP URL to {@code <args[0]>/<name>.url}
   * (atomically: a reader never sees half of it) and runs until the ActorSystem ends (a SIGTERM runs
   * CoordinatedShutdown: leave, hand over), then exits 0. A failure prints {@code NODE FAILED} and exits 3.
   */
  public static void run(String[] args, String managementPort, Start start) {
    try {
      Path dir = Path.of(args[0]);
      String name = name(args);
      Warden node = start.start(config(args, managementPort));
      Path tmp = dir.resolve(name + ".url.tmp");
      Files.writeString(tmp, node.httpUrl().orElseThrow());
      Files.move(tmp, dir.resolve(name + ".url"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      node.system().getWhenTerminated().toCompletableFuture().join();
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3);
    }
  }

  private static String name(String[] args) {
    return "node-" + args[2];
  }

  private static String journal(String[] args) {
    if (args[1].startsWith("jdbc:postgresql:")) {
      return "warden.persistence { url = \"" + args[1] + "\", user = \"" + args[5] + "\", password = \"" + args[6] + "\" }\n";
    }
    return "warden.persistence.h2.url = \"" + args[1] + "\"\n";
  }

  private static String seeds(String commaSeparated) {
    StringBuilder seeds = new StringBuilder();
    for (String s : commaSeparated.split(",")) {
      seeds.append(seeds.length() == 0 ? "" : ", ").append('"').append(s).append('"');
    }
    return seeds.toString();
  }
}
