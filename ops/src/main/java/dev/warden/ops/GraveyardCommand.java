package dev.warden.ops;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.workers.graveyard.FileReport;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportReport;
import dev.warden.workers.graveyard.ImportRequest;
import dev.warden.workers.graveyard.Region;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code warden graveyard import|regions|check}: one-shot commands on the node database under
 * {@code --data DIR} (default {@code ./data}). Each starts a node without the JMX connector, does
 * its work, and stops it.
 */
@Command(
    name = "graveyard",
    mixinStandardHelpOptions = true,
    description = "Failure patterns: import legacy .sexp files, list avoid regions, check parameters.",
    subcommands = {GraveyardCommand.Import.class, GraveyardCommand.Regions.class, GraveyardCommand.Check.class})
final class GraveyardCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Starts a node with the graveyard kind, runs {@code work}, stops the node. */
  static int withGraveyard(NodeOptions node, Function<Graveyard, Integer> work) {
    GraveyardKind kind = GraveyardKind.create();
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(kind);
    try (Warden warden = Warden.start(
        node.overridesOver(ConfigFactory.parseString("warden.jmx.connector.enabled = off\nwarden.http.enabled = off")), kinds)) {
      Graveyard graveyard = Graveyard.of(warden);
      await(graveyard.whenReady(), 120);
      return work.apply(graveyard);
    }
  }

  static <T> T await(CompletionStage<T> stage, long seconds) {
    try {
      return stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer within " + seconds + " s", e);
    }
  }

  private static Path existing(Path p, String option) {
    if (p != null && !Files.isRegularFile(p)) {
      throw new NodeOptions.UsageError(option + " " + p + ": no such file");
    }
    return p;
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Import legacy files (idempotent and incremental); prints a summary.",
          "Exit codes: 0 imported or up to date (damage quarantined); 1 a file was refused as replaced or truncated,"
              + " or the import failed; 2 bad arguments or config; " + Import.NOTHING_READABLE
              + " a file held nothing readable (not one intact record)."})
  static final class Import implements Callable<Integer> {
    /** Exit code when a file held not one intact record. */
    static final int NOTHING_READABLE = 3;

    @Parameters(index = "0", paramLabel = "FILE", description = "graveyard.sexp")
    Path graveyard;

    @Option(names = "--retired", paramLabel = "FILE", description = "retired.sexp (weight 0.25)")
    Path retired;

    @Option(names = "--emergency", paramLabel = "FILE", description = "graveyard.emergency.sexp")
    Path emergency;

    @Mixin NodeOptions node;

    @Override
    public Integer call() {
      ImportRequest request = new ImportRequest(existing(graveyard, "FILE"), existing(retired, "--retired"),
          existing(emergency, "--emergency"));
      return withGraveyard(node, g -> {
        ImportReport report = await(g.importFiles(request), 24 * 3600);
        System.out.println(report.render());
        report.files().stream().filter(f -> f.status() == FileReport.Status.NOTHING_READABLE).forEach(f ->
            System.err.println("warden: nothing could be read from " + f.path() + ": " + f.note()));
        return report.refused() ? 1 : report.nothingReadable() ? NOTHING_READABLE : 0;
      });
    }
  }

  @Command(name = "regions", mixinStandardHelpOptions = true,
      description = "Print every avoid region, sorted by timeframe, direction, symbol.")
  static final class Regions implements Callable<Integer> {
    @Option(names = "--json", description = "one JSON object per line")
    boolean json;

    @Option(names = "--now", paramLabel = "ISO-8601", description = "decay clock, e.g. 2026-01-15T00:00:00Z (default: now)")
    String now;

    @Mixin NodeOptions node;

    @Override
    public Integer call() {
      Instant at = instant(now);
      return withGraveyard(node, g -> {
        g.degraded().ifPresent(d -> System.err.println("warden: graveyard degraded: " + d));
        for (Region r : g.regions(at)) {
          System.out.println(json ? r.toJson() : String.format("%-8s %-5s %-8s sl [%s, %s] tp [%s, %s] failures %d weight %.4f",
              nil(r.timeframe()), nil(r.direction()), nil(r.symbol()), r.slMin(), r.slMax(), r.tpMin(), r.tpMax(),
              r.failureCount(), r.weight()));
        }
        return 0;
      });
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Print shouldAvoid (any region; and the one cluster with --timeframe/--direction) and matchesPattern.")
  static final class Check implements Callable<Integer> {
    @Option(names = "--sl", required = true, description = "stop loss")
    double sl;

    @Option(names = "--tp", required = true, description = "take profit")
    double tp;

    @Option(names = "--symbol", description = "symbol (default for matching: USDJPY)")
    String symbol;

    @Option(names = "--sharpe", description = "candidate's Sharpe ratio (>= 0.3 is never a match; default: none, so no exemption)")
    Double sharpe;

    @Option(names = "--timeframe", description = "timeframe as written (60, 60.0, \"H1\") for the scoped check")
    String timeframe;

    @Option(names = "--direction", description = "BUY, SELL or BOTH for the scoped check")
    String direction;

    @Option(names = "--now", paramLabel = "ISO-8601", description = "decay clock (default: now)")
    String now;

    @Mixin NodeOptions node;

    @Override
    public Integer call() {
      Instant at = instant(now);
      if ((timeframe == null) != (direction == null)) {
        throw new NodeOptions.UsageError("--timeframe and --direction go together");
      }
      return withGraveyard(node, g -> {
        System.out.println("shouldAvoid: " + g.shouldAvoid(sl, tp, at));
        if (timeframe != null) {
          System.out.println("shouldAvoid[" + timeframe + " " + direction + " " + nil(symbol) + "]: "
              + g.shouldAvoid(timeframe, direction, symbol, sl, tp, at));
        }
        System.out.println("matchesPattern: " + g.matchesPattern(symbol, sl, tp, sharpe == null ? Double.NaN : sharpe));
        g.degraded().ifPresent(d -> System.out.println("degraded: " + d));
        return 0;
      });
    }
  }

  static Instant instant(String iso) {
    if (iso == null) {
      return Instant.now();
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      throw new NodeOptions.UsageError("--now must be an ISO-8601 instant such as 2026-01-15T00:00:00Z, but was " + iso);
    }
  }

  private static String nil(String s) {
    return s == null ? "NIL" : s;
  }
}
