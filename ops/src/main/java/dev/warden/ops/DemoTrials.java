package dev.warden.ops;

import dev.warden.core.Warden;
import dev.warden.workers.trial.Study;
import dev.warden.workers.trial.Trials;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The demo's trial step: a study whose one trial leaks past its RSS cap on its first run. */
final class DemoTrials {
  /** Config the demo node needs for this step: a small cap so a 64 MiB leak crosses it. */
  static final String CONFIG =
      "warden.memory-guard { worker-rss-cap = 48MiB, check-interval = 100ms }\n"
          + "warden.trial { workers = 2, stop-grace = 500ms, brake-retry-delay = 0s }\n";

  static void run(Warden warden, Path data, PrintStream out) throws Exception {
    Path marker = data.resolve("leaked-once");
    String script = "case {lr} in 0.1) if [ ! -f " + marker + " ]; then touch " + marker
        + "; x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo leaked 100 MB; sleep 600; fi;; esac;"
        + " echo \"WARDEN:RESULT {\\\"loss\\\": {lr}}\"";
    Study study = new Study("demo-lr", List.of("/bin/sh", "-c", script),
        List.of(Map.of("lr", "0.3"), Map.of("lr", "0.1"), Map.of("lr", "0.2")), "loss", false);
    Trials trials = Trials.of(warden);
    trials.submit(study).toCompletableFuture().get(10, TimeUnit.SECONDS);
    Trials.Best best = trials.best(study).toCompletableFuture().get(40, TimeUnit.SECONDS)
        .orElseThrow(() -> new IllegalStateException("the demo study produced no result"));
    Map<String, Long> counters = warden.tree().node("/warden/trial").isPresent()
        ? DemoCommand.counters(warden, "trial") : Map.of();
    out.println("      study [demo-lr]: 3 trials on 2 workers; trial lr=0.1 leaked 100 MB on its first run, over the"
        + " 48 MiB cap: its worker was recycled (recycles.rss=" + counters.getOrDefault("recycles.rss", 0L)
        + ") and the trial re-ran in a fresh process without burning an attempt");
    for (Trials.TrialState t : trials.follow(study).toCompletableFuture().get(10, TimeUnit.SECONDS)) {
      out.println("      " + t.trialId() + " " + t.status() + " attempt=" + t.attempt() + " result=" + t.result().orElse("-"));
    }
    out.println("      best: " + best.trialId() + " " + best.params() + " loss=" + best.objective());
  }

  private DemoTrials() {}
}
