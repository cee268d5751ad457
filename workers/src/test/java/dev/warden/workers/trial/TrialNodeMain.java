package dev.warden.workers.trial;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test program: a node running {@link #study} on {@code args[0]}; prints RUNNING once both trials run. */
public final class TrialNodeMain {

  /** Each trial starts a background grandchild and records its pid; on a later run it just succeeds. */
  static Study study(Path dir) {
    String script = "if [ -f " + dir + "/ran-{i} ]; then echo 'WARDEN:RESULT {\"loss\": {i}}'; exit 0; fi;"
        + " touch " + dir + "/ran-{i}; sleep 1000 & echo $! > " + dir + "/grandchild-{i}.tmp;"
        + " mv " + dir + "/grandchild-{i}.tmp " + dir + "/grandchild-{i}; echo up; wait";
    return new Study("crash", List.of("/bin/sh", "-c", script), List.of(Map.of("i", "1"), Map.of("i", "2")), "loss", false);
  }

  static Warden start(Path dir) {
    return Warden.start(ConfigFactory.parseString("warden.node-name = trial-node\nwarden.data-dir = \"" + dir + "\"\n"
            + "warden.trial { workers = 2, stop-grace = 300ms }\n"),
        LedgerKind.create(), TrialKind.create(), CheckpointerKind.create());
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Warden warden = start(dir);
    Trials.of(warden).submit(study(dir)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 3000 && !(Files.exists(dir.resolve("grandchild-1")) && Files.exists(dir.resolve("grandchild-2"))); i++) {
      TimeUnit.MILLISECONDS.sleep(10); // a test program polling for its own trials, not a test waiting
    }
    System.out.println("RUNNING");
    System.out.flush();
    warden.system().getWhenTerminated().toCompletableFuture().get();
  }

  private TrialNodeMain() {}
}
