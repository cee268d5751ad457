package dev.warden.workers.build;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.file.Path;

/**
 * Test program: a node running only the build kind on the H2 file under {@code args[0]}, its HTTP API on a free
 * port of 127.0.0.1. Prints {@code URL <base>} once started and runs until killed.
 */
public final class BuildNodeMain {
  public static void main(String[] args) {
    try {
      Config conf = ConfigFactory.parseString("warden.data-dir = \"" + Path.of(args[0]).toAbsolutePath() + "\"\n"
          + "warden.node-name = build-node\nwarden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = 0 }\n");
      Warden warden = Warden.start(conf, BuildKind.create());
      System.out.println("URL " + warden.httpUrl().orElseThrow());
      System.out.flush();
      warden.system().getWhenTerminated().toCompletableFuture().get();
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3); // Pekko's threads would keep the JVM alive
    }
  }

  private BuildNodeMain() {}
}
