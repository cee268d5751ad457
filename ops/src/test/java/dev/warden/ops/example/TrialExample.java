package dev.warden.ops.example;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.workers.trial.Study;
import dev.warden.workers.trial.TrialKind;
import dev.warden.workers.trial.Trials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The samples of docs/kinds/trial.md, compiled and run by {@code KindExamplesTest}: a study of two
 * trials, each an external process that reports its loss.
 */
public final class TrialExample {
  /** The training script the page shows: it reports its objective on one line. */
  static final String TRAIN_SH = "#!/bin/sh\n"
      + "# called as: train.sh --lr <value>; a real script trains here\n"
      + "echo \"WARDEN:RESULT {\\\"loss\\\": $2}\"\n";

  /** Runs the study; returns the best trial. */
  public static Trials.Best run(Path dir) throws Exception {
    Path train = Files.writeString(dir.resolve("train.sh"), TRAIN_SH);
    Files.setPosixFilePermissions(train, PosixFilePermissions.fromString("rwx------"));
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.addAll(List.of(LedgerKind.create(), TrialKind.create()));
    String conf = "warden.data-dir = \"" + dir.resolve("data") + "\"";
    try (Warden warden = Warden.start(ConfigFactory.parseString(conf), kinds)) {
      // doc:begin trial-study
      Study study = new Study("lr-sweep", List.of(train.toString(), "--lr", "{lr}"),   // {lr}: each trial's value
          List.of(Map.of("lr", "0.1"), Map.of("lr", "0.01")), "loss", false);           // minimise "loss"
      Trials trials = Trials.of(warden);
      trials.submit(study).toCompletableFuture().join();             // one ledger job per trial; idempotent
      Trials.Best best = trials.best(study).toCompletableFuture().join().orElseThrow();   // once every trial ended
      // doc:end trial-study
      return best;
    }
  }

  private TrialExample() {}
}
