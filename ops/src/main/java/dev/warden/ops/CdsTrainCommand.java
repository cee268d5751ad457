package dev.warden.ops;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code warden cds-train} (hidden): the training run the launcher records a class-data-sharing
 * archive from ({@code -XX:ArchiveClassesAtExit}). It starts a node with every standard kind on a
 * throw-away data directory, runs jobs through the ledger's whole durable path (submit, start,
 * complete, recover), and stops, so the classes a node loads on its way to its first completion
 * come from the archive instead of being parsed and verified again at every start.
 */
@Command(name = "cds-train", hidden = true, description = "Training run for the class-data-sharing archive (used by ops/warden).")
final class CdsTrainCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("warden-cds-train");
    try {
      for (int round = 0; round < 2; round++) { // the second round recovers what the first journaled
        String conf = "warden.data-dir = \"" + dir.toAbsolutePath().toString().replace("\\", "\\\\") + "\"\nwarden.jmx.enabled = false\n";
        try (Warden warden = Warden.start(ConfigFactory.parseString(conf), NodeKinds.standard())) {
          NodeKinds.registerJobTypes(warden);
          JobLedger ledger = JobLedger.of(warden);
          ledger.register(new JobType("cds-train", (payload, ctx) -> CompletableFuture.completedFuture(payload), JobPolicy.defaults()));
          List<CompletableFuture<String>> results = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            String id = "train-" + round + "-" + i;
            results.add(ledger.submit("cds-train", id, "x").thenCompose(v -> ledger.result(id)).toCompletableFuture());
          }
          CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
          ledger.history("train-" + round + "-0").toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
      }
      return 0;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
