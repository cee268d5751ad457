package dev.warden.workers.build;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ClusterMember;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.management.javadsl.PekkoManagement;

/**
 * Test program for {@link BuildClusterTest}: one cluster member running only the build kind, a {@link ClusterMember}
 * (shared journal {@code args[1]}, Artery on {@code args[2]}, seeds {@code args[3]}) with Pekko Management on
 * {@code args[4]}. Its HTTP API's URL is written to {@code <args[0]>/node-<port>.url}. Runs until killed.
 */
public final class BuildClusterNodeMain {
  private BuildClusterNodeMain() {}

  public static void main(String[] args) {
    ClusterMember.run(args, args[4], conf -> {
      Warden node = Warden.start(ConfigFactory.parseString(conf), BuildKind.create());
      // the ledger kind starts Pekko Management, the build kind does not: the test reads the member list there
      PekkoManagement.get(node.system().classicSystem()).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return node;
    });
  }
}
