package dev.warden.ops.bench;

import dev.warden.ops.NodeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden bench SCENARIO}: prints one machine-readable line per figure,
 * {@code <scenario>.<figure>: <value> <unit>}, each the median of several runs, then a short human
 * summary. The ledger scenarios (ledger, recovery, backlog, reaper) run every measured run in a
 * fresh child JVM on a fresh H2 file and name the durability mode on every figure line; so does http (the
 * HTTP face beside the Java API, see {@link HttpBench}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure a scenario: restart, trial, graveyard, ledger, recovery, backlog, reaper, builds, http, cluster.")
public final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "restart | trial | graveyard | ledger | recovery | backlog | reaper | builds | http | cluster")
  String scenario;

  @Option(names = "--runs", description = "measured runs (median reported); default 3 for ledger, recovery, backlog, reaper, graveyard and http, else 5")
  Integer runs;

  @Option(names = "--iterations", defaultValue = "2000", description = "iterations per run (restart, trial), default ${DEFAULT-VALUE}")
  int iterations;

  @Option(names = "--child-jvm-opts", defaultValue = "-Xmx512m",
      description = "JVM options of the child JVMs of ledger, recovery, backlog, reaper and http, default \"${DEFAULT-VALUE}\"")
  String childJvmOpts;

  /** Shrinks the scenario's job count (tests); the figures' targets are about the defaults. */
  @Option(names = "--jobs", hidden = true)
  Integer jobs;

  @Option(names = "--journal", defaultValue = "auto",
      description = "cluster: the shared journal, pg | h2 | auto (PostgreSQL when it answers at -Dwarden.persistence.url, else"
          + " ops/ci/ensure-postgres's 127.0.0.1:55432; otherwise an H2 TCP server), default ${DEFAULT-VALUE}")
  String journal;

  @Option(names = "--in-flight",
      description = "cluster: jobs each submitting member keeps in flight (submitted, not yet succeeded); a value >= its share of"
          + " --jobs fires them all at once (the ledger's own bound, warden.ledger.cluster.max-asks-in-flight, then paces them), default "
          + ClusterBench.WINDOW)
  Integer inFlight;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws Exception {
    boolean ledgerScenario = java.util.List.of("ledger", "recovery", "backlog", "reaper", "graveyard", "http", "cluster").contains(scenario);
    int n = runs != null ? runs : ledgerScenario ? 3 : 5;
    if (n < 1 || iterations < 1 || (jobs != null && jobs < 1) || (inFlight != null && inFlight < 1)) {
      throw new NodeOptions.UsageError("--runs, --iterations, --jobs and --in-flight must be >= 1");
    }
    // The children layer the config file (--config, else conf/application.conf) under the bench's own
    // settings (a fresh data directory per run, no JMX); parse it here so a bad file fails once, up front.
    node.overrides();
    ChildJvm.Options children = ChildJvm.Options.parse(childJvmOpts, node.defines(), node.configFile(), node.explicitDataDir());
    switch (scenario) {
      case "restart":
        new RestartBench(node, n, iterations).run(System.out);
        return 0;
      case "ledger":
        new LedgerBench(children, n, jobs).run(System.out);
        return 0;
      case "recovery":
        new RecoveryBench(children, n, jobs).run(System.out);
        return 0;
      case "backlog":
        new BacklogBench(children, n, jobs).run(System.out);
        return 0;
      case "reaper":
        new ReaperBench(children, n, jobs).run(System.out);
        return 0;
      case "graveyard":
        new GraveyardBench(n, node.explicitDataDir()).run(System.out);
        return 0;
      case "http":
        new HttpBench(children, n, jobs).run(System.out);
        return 0;
      case "trial":
        new TrialBench(node, n, iterations).run(System.out);
        return 0;
      case "cluster":
        new ClusterBench(children, n, jobs, journal, inFlight == null ? ClusterBench.WINDOW : inFlight).run(System.out);
        return 0;
      case "builds":
        new BuildsBench(node.overrides(), n, jobs).run(System.out);
        return 0;
      default:
        throw new NodeOptions.UsageError(
            "unknown bench scenario [" + scenario + "]; known: restart, trial, graveyard, ledger, recovery, backlog, reaper, builds, http, cluster");
    }
  }
}
