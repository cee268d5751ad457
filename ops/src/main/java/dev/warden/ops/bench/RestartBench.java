package dev.warden.ops.bench;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.ops.NodeOptions;
import dev.warden.workers.demo.Flaky;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Crash → restarted-and-answering latency of a supervised child: each iteration sends a poison
 * item (the child crashes and restarts in place) and then asks the child for its count; the
 * latency runs from the crash being sent to the answer from the fresh incarnation. A baseline
 * round trip without a crash runs beside it. Backoff is off for the measurement.
 */
final class RestartBench {
  private final NodeOptions node;
  private final int runs;
  private final int iterations;

  RestartBench(NodeOptions node, int runs, int iterations) {
    this.node = node;
    this.runs = runs;
    this.iterations = iterations;
  }

  void run(PrintStream out) throws Exception {
    var cfg =
        ConfigFactory.parseString(
            "warden.node-name = bench-restart\n"
                + "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.http.enabled = off\n"
                + "warden.supervision.kinds.flaky { max-restarts = 1000000000, within = 1s,"
                + " backoff.min = 0ms, backoff.max = 0ms }\n");
    try (Warden warden = Warden.start(node.overridesOver(cfg), Flaky.create())) {
      ActorRef<Flaky.Command> flaky = warden.kind(Flaky.NAME);
      measure(warden, flaky, iterations, true);
      measure(warden, flaky, iterations, false);
      double[] p50 = new double[runs];
      double[] p99 = new double[runs];
      double[] base50 = new double[runs];
      for (int r = 0; r < runs; r++) {
        double[] crash = measure(warden, flaky, iterations, true);
        double[] base = measure(warden, flaky, iterations, false);
        p50[r] = Figures.quantile(crash, 0.50);
        p99[r] = Figures.quantile(crash, 0.99);
        base50[r] = Figures.quantile(base, 0.50);
      }
      double m50 = Figures.median(p50);
      double m99 = Figures.median(p99);
      double b50 = Figures.median(base50);
      Figures.print(out, "restart", "p50", m50, "ms");
      Figures.print(out, "restart", "p99", m99, "ms");
      Figures.print(out, "restart", "baseline_p50", b50, "ms");
      Figures.print(out, "restart", "ratio_p50", m50 / b50, "x");
      Figures.print(out, "restart", "restarts", warden.tree().node("/warden/flaky").orElseThrow().getRestartCount(), "count");
      out.printf(
          "%nrestart: %d runs x %d crashes, backoff off. Crash -> restarted-and-answering p50 %s ms, p99 %s ms"
              + " (targets: p50 < 1 ms, p99 < 10 ms); a plain round trip takes %s ms, so a restart costs %.1fx one.%n",
          runs, iterations, Figures.format(m50), Figures.format(m99), Figures.format(b50), m50 / b50);
    }
  }

  private static double[] measure(Warden warden, ActorRef<Flaky.Command> flaky, int n, boolean crash) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      if (crash) {
        flaky.tell(new Flaky.Process("poison-" + i));
      }
      AskPattern.<Flaky.Command, Integer>ask(
              flaky, Flaky.GetProcessed::new, java.time.Duration.ofSeconds(5), warden.system().scheduler())
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms;
  }
}
