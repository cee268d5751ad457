package dev.warden.persistence.ledger;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.KindContext;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.ClusterMember;
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
 * Test program for {@link ClusterTestBase}: one cluster node (ledger only), a {@link ClusterMember}
 * with Management on {@code args[4]}. Job type "work" finishes after the {@code ms} its payload names. Prints {@code attempt-start <id> <epoch ms>} when
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

  public static void main(String[] args) {
    String extra = "warden.ledger.partitions = 8\n"
        + "warden.ledger.reaper.tick = 500ms\n"
        + "warden.ledger.cluster.try-timeout = 1s\n"
        + "pekko.cluster.sharded-daemon-process.keep-alive-interval = 1s\n"
        + "pekko.cluster.sharded-daemon-process.sharding.rebalance-interval = 2s\n";
    ClusterMember.run(args, args[4], conf -> {
      Warden node = Warden.start(ConfigFactory.parseString(conf + extra), LedgerKind.create(), new SlowStoppingKind());
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
      return node;
    });
  }
}
