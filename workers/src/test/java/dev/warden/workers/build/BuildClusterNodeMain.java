package dev.warden.workers.build;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Test program for {@link BuildClusterTest}: one cluster member running only the build kind, on the shared journal
 * {@code args[1]}, Artery on {@code args[2]}, seeds {@code args[3]} (comma-separated host:port). Its HTTP API on a
 * free port is written to {@code <args[0]>/node-<port>.url}. Runs until killed.
 */
public final class BuildClusterNodeMain {
  private BuildClusterNodeMain() {}

  public static void main(String[] args) {
    try {
      Path dir = Path.of(args[0]);
      String name = "node-" + args[2];
      StringBuilder seeds = new StringBuilder();
      for (String s : args[3].split(",")) {
        seeds.append(seeds.length() == 0 ? "" : ", ").append('"').append(s).append('"');
      }
      String conf = "warden.node-name = \"" + name + "\"\n"
          + "warden.data-dir = \"" + dir.resolve(name).toAbsolutePath() + "\"\n"
          + "warden.jmx.enabled = off\n"
          + "warden.http { enabled = on, port = 0 }\n"
          + "warden.persistence.h2.url = \"" + args[1] + "\"\n"
          + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds + "], stable-after = 3s,"
          + " min-nr-of-members = 2, management.port = 0 }\n";
      Warden node = Warden.start(ConfigFactory.parseString(conf), BuildKind.create());
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
}
