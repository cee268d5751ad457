package dev.warden.workers.build;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ClusterMember;

/**
 * Test program for {@link BuildClusterTest}: one cluster member running only the build kind, a {@link ClusterMember}
 * (shared journal {@code args[1]}, Artery on {@code args[2]}, seeds {@code args[3]}) with Management on a free port.
 * Its HTTP API's URL is written to {@code <args[0]>/node-<port>.url}. Runs until killed.
 */
public final class BuildClusterNodeMain {
  private BuildClusterNodeMain() {}

  public static void main(String[] args) {
    ClusterMember.run(args, "0", conf -> Warden.start(ConfigFactory.parseString(conf), BuildKind.create()));
  }
}
