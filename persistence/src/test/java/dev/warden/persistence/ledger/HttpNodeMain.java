package dev.warden.persistence.ledger;

import dev.warden.core.Warden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Test program for {@link HttpSubmitCrashTest}: a ledger node on the H2 file under {@code args[0]}
 * with its HTTP API on a free port and the bearer token from {@code $WARDEN_HTTP_TOKEN}; job type
 * "hang" never returns. Writes the API's URL to {@code <dir>/url} and runs until it is killed.
 */
public final class HttpNodeMain {
  private HttpNodeMain() {}

  public static void main(String[] args) {
    try {
      Path dir = Path.of(args[0]);
      Warden node = LedgerNode.start(dir, "warden.http { enabled = on, port = 0, token-env = WARDEN_HTTP_TOKEN }\n");
      JobLedger.of(node).register(JobType.of("hang", (p, ctx) -> new CompletableFuture<>()));
      Path tmp = dir.resolve("url.tmp");
      Files.writeString(tmp, node.httpUrl().orElseThrow());
      Files.move(tmp, dir.resolve("url"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      new CountDownLatch(1).await(); // parked until the process is killed
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.out.println("NODE FAILED: " + t);
      System.out.flush();
      System.exit(3); // Pekko's threads would keep the JVM alive
    }
  }
}
