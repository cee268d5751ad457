package dev.warden.ops.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.ops.JsonPost;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.build.Builds;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real control plane's throughput, a part of {@code warden bench builds}: a node with the build kind on a fresh
 * H2 file in this JVM, {@code packages} queued, and {@value #CLIENTS} drone clients on 127.0.0.1 (keep-alive JDK
 * clients, one thread each) doing lease (wanted 1) then report (success) until the queue is empty. A round trip is
 * one lease and its report, both journaled before they are answered.
 */
final class BuildsHttpBench {
  static final int CLIENTS = 8;
  private final int packages;

  BuildsHttpBench(int packages) {
    this.packages = packages;
  }

  /** Round trips per second of one run on a fresh data directory. */
  double run(Config overrides) throws Exception {
    Path dir = Files.createTempDirectory("warden-builds-http");
    Config conf = ConfigFactory.parseString("warden.node-name = builds-bench\nwarden.data-dir = \"" + dir + "\"\n"
        + "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, host = \"127.0.0.1\", port = 0 }\n").withFallback(overrides);
    try (Warden warden = Warden.start(conf, BuildKind.create())) {
      Builds builds = Builds.of(warden);
      List<CompletableFuture<?>> submitted = new ArrayList<>();
      for (int i = 0; i < packages; i++) {
        submitted.add(builds.submit(String.format("bench-%06d", i), Set.of()).toCompletableFuture());
      }
      CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      String base = warden.httpUrl().orElseThrow() + "/api/v1/builds/drones/";
      AtomicInteger done = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      try {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
          String drone = base + "bench-drone-" + c;
          post(client, drone + "/register", "{\"cores\":4,\"machine\":\"vm\"}");
          clients.add(CompletableFuture.runAsync(() -> drive(client, drone, done), pool));
        }
        long t0 = System.nanoTime();
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (done.get() != packages) {
          throw new IllegalStateException("the drones reported " + done.get() + " of " + packages + " packages");
        }
        return done.get() / seconds;
      } finally {
        pool.shutdownNow();
      }
    } finally {
      deleteTree(dir);
    }
  }

  private void drive(HttpClient client, String drone, AtomicInteger done) {
    while (true) {
      JsonNode leases = post(client, drone + "/lease", "{\"wanted\":1}").path("leases");
      if (leases.isEmpty()) {
        return;
      }
      JsonNode l = leases.get(0);
      JsonNode a = post(client, drone + "/report", "{\"package\":\"" + l.path("package").asText() + "\",\"epoch\":"
          + l.path("epoch").asInt() + ",\"outcome\":\"success\",\"digest\":\"sha256:00\"}");
      if (!a.path("accepted").asBoolean()) {
        throw new IllegalStateException("report not accepted: " + a);
      }
      done.incrementAndGet();
    }
  }

  private static JsonNode post(HttpClient client, String url, String body) {
    return JsonPost.post(client, url, body, Duration.ofSeconds(30));
  }


  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
