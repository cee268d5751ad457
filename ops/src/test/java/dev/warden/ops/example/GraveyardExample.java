package dev.warden.ops.example;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.workers.graveyard.Graveyard;
import dev.warden.workers.graveyard.GraveyardKind;
import dev.warden.workers.graveyard.ImportReport;
import dev.warden.workers.graveyard.ImportRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sample of docs/kinds/graveyard.md, compiled and run by {@code KindExamplesTest}: five
 * records of one cluster and one stray parenthesis, imported and asked about.
 */
public final class GraveyardExample {
  /** What the sample learns. */
  public record Answers(ImportReport report, String summary, boolean avoid, boolean match) {}

  static String record(int i) {
    return "(:NAME \"TREND-USDJPY-H1-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\"\n"
        + " :SL 0.3" + i + " :TP 1.2d0 :SHARPE -0.42 :REASON \"Culling (Loser)\")\n";
  }

  public static Answers run(Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("graveyard.sexp"),
        record(0) + record(1) + "))\n" + record(2) + record(3) + record(4));
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(GraveyardKind.create());
    String conf = "warden.data-dir = \"" + dir.resolve("data") + "\"";
    try (Warden warden = Warden.start(ConfigFactory.parseString(conf), kinds)) {
      // doc:begin graveyard-import
      Graveyard graveyard = Graveyard.of(warden);
      graveyard.whenReady().toCompletableFuture().join();   // the pattern journal has recovered
      ImportReport report = graveyard.importFiles(ImportRequest.of(file)).toCompletableFuture().join();
      String summary = report.render();                     // per file: status, records, damage by reason
      boolean avoid = graveyard.shouldAvoid(0.32, 1.2);                      // inside an avoid region now?
      boolean match = graveyard.matchesPattern("USDJPY", 0.32, 1.2, -0.4);   // like a recorded failure?
      // doc:end graveyard-import
      return new Answers(report, summary, avoid, match);
    }
  }

  private GraveyardExample() {}
}
