package dev.warden.persistence.ledger;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test program for {@link ClusterFailoverTest}: one cluster node (ledger only) on the shared
 * journal at {@code args[1]}, Artery on {@code args[2]}, seeds {@code args[3]} (comma-separated
 * host:port), HTTP API on a free port written to {@code <dir>/<name>.url}. Job type "work" finishes
 * after the {@code ms} its payload names. Runs until killed (or SIGTERM: a graceful leave).
 */
public final class ClusterNodeMain {
  private static final Pattern MS = Pattern.compile("\"ms\"\\s*:\\s*(\\d+)");

  private ClusterNodeMain() {}

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
          + "warden.ledger.partitions = 8\n"
          + "warden.ledger.reaper.tick = 500ms\n"
          + "warden.ledger.cluster.try-timeout = 1s\n"
          + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds + "], stable-after = 3s,"
          + " min-nr-of-members = 2, management.port = " + args[4] + " }\n"
          + "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n"
          + "pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 2s\n";
      Warden node = Warden.start(ConfigFactory.parseString(conf), LedgerKind.create());
      JobLedger.of(node).register(JobType.of("work", (payload, ctx) -> {
        Matcher m = MS.matcher(payload == null ? "" : payload);
        long ms = m.find() ? Long.parseLong(m.group(1)) : 10;
        return CompletableFuture.supplyAsync(() -> "done", CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
      }));
      Path tmp = dir.resolve(name + ".url.tmp");
      Files.writeString(tmp, node.httpUrl().orElseThrow());
      Files.move(tmp, dir.resolve(name + ".url"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      node.system().getWhenTerminated().toCompletableFuture().join(); // a SIGTERM runs CoordinatedShutdown: leave, hand over
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3);
    }
  }
}
