package dev.warden.persistence.ledger;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.KindContext;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test program for {@link ClusterTestBase}: one cluster node (ledger only) on the shared journal at
 * {@code args[1]} (H2 TCP, or PostgreSQL with user {@code args[5]} and password {@code args[6]}),
 * Artery on {@code args[2]}, seeds {@code args[3]} (comma-separated host:port), Management on
 * {@code args[4]}, HTTP API on a free port written to {@code <dir>/<name>.url}. Job type "work"
 * finishes after the {@code ms} its payload names. Prints {@code attempt-start <id> <epoch ms>} when
 * an attempt starts and {@code leaving-at <epoch ms>} when CoordinatedShutdown begins. Runs until
 * killed (or SIGTERM: a graceful leave).
 */
public final class ClusterNodeMain {
  private static final Pattern MS = Pattern.compile("\"ms\"\\s*:\\s*(\\d+)");

  private ClusterNodeMain() {}

  /**
   * Stands for the host's other kinds (workers, pools), which stop after the ledger and take their
   * time: prints {@code kinds-stopping-at <epoch ms>} when its stop begins, and stops 2 s later.
   */
  private static final class SlowStoppingKind implements WorkerKind<SlowStoppingKind.Stop> {
    record Stop(ActorRef<Done> replyTo) {}

    @Override
    public String name() {
      return "slow-stop";
    }

    @Override
    public Behavior<Stop> rootBehavior(KindContext context) {
      return Behaviors.receive(Stop.class).onMessage(Stop.class, s -> {
        System.out.println("kinds-stopping-at " + System.currentTimeMillis());
        System.out.flush();
        return Behaviors.withTimers(t -> {
          t.startSingleTimer(s, Duration.ofSeconds(2));
          return Behaviors.receive(Stop.class).onMessage(Stop.class, again -> {
            again.replyTo().tell(Done.getInstance());
            return Behaviors.stopped();
          }).build();
        });
      }).build();
    }

    @Override
    public Optional<Function<ActorRef<Done>, Stop>> stopMessage() {
      return Optional.of(Stop::new);
    }

    @Override
    public int shutdownOrder() {
      return 1;
    }
  }

  private static String journal(String[] args) {
    if (args[1].startsWith("jdbc:postgresql:")) {
      return "warden.persistence { url = \"" + args[1] + "\", user = \"" + args[5] + "\", password = \"" + args[6] + "\" }\n";
    }
    return "warden.persistence.h2.url = \"" + args[1] + "\"\n";
  }

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
          + journal(args)
          + "warden.ledger.partitions = 8\n"
          + "warden.ledger.reaper.tick = 500ms\n"
          + "warden.ledger.cluster.try-timeout = 1s\n"
          + "warden.cluster { enabled = on, port = " + args[2] + ", seed-nodes = [" + seeds + "], stable-after = 3s,"
          + " min-nr-of-members = 2, management.port = " + args[4] + " }\n"
          + "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n"
          + "pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 2s\n";
      Warden node = Warden.start(ConfigFactory.parseString(conf), LedgerKind.create(), new SlowStoppingKind());
      CoordinatedShutdown.get(node.system()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "test-leaving", () -> {
        System.out.println("leaving-at " + System.currentTimeMillis());
        System.out.flush();
        return CompletableFuture.completedFuture(Done.getInstance());
      });
      JobLedger.of(node).register(JobType.of("work", (payload, ctx) -> {
        System.out.println("attempt-start " + ctx.jobId() + " " + System.currentTimeMillis());
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
