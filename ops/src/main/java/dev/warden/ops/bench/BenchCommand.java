package dev.warden.ops.bench;

import dev.warden.ops.NodeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden bench SCENARIO}: prints one machine-readable line per figure,
 * {@code <scenario>.<figure>: <value> <unit>}, each the median of several runs after a warm-up,
 * then a short human summary.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure a scenario: restart, ledger, trial, graveyard.")
public final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "restart | ledger | trial | graveyard")
  String scenario;

  @Option(names = "--runs", defaultValue = "5", description = "measured runs (median reported), default ${DEFAULT-VALUE}")
  int runs;

  @Option(names = "--iterations", defaultValue = "2000", description = "iterations per run, default ${DEFAULT-VALUE}")
  int iterations;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws Exception {
    if (runs < 1 || iterations < 1) {
      throw new NodeOptions.UsageError("--runs and --iterations must be >= 1");
    }
    switch (scenario) {
      case "restart":
        new RestartBench(node, runs, iterations).run(System.out);
        return 0;
      case "ledger":
        new LedgerBench(node, runs).run(System.out);
        return 0;
      case "graveyard":
        new GraveyardBench(runs).run(System.out);
        return 0;
      case "trial":
        new TrialBench(node, runs, iterations).run(System.out);
        return 0;
      default:
        throw new NodeOptions.UsageError("unknown bench scenario [" + scenario + "]; known: restart, ledger, trial, graveyard");
    }
  }
}
