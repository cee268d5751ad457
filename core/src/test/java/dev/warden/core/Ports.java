package dev.warden.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback ports for tests. */
public final class Ports {
  private static final int LOWEST = 20_000;
  private static final int COUNT = 12_000;

  /**
   * A TCP port free on 127.0.0.1 right now, for a process that binds it later (a cluster member named in
   * another's seed list; another process may still take it before). Chosen below the kernel's ephemeral
   * range (32768-60999 on Linux), from which port 0 picks too: there the source port of any outgoing
   * connection (a JDBC connection, say) could take it meanwhile, which failed a cluster test's bind once.
   */
  public static int freeLoopbackPort() {
    for (int i = 0; i < 200; i++) {
      int port = LOWEST + ThreadLocalRandom.current().nextInt(COUNT);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOWEST + ".." + (LOWEST + COUNT - 1) + " after 200 tries");
  }

  private Ports() {}
}
