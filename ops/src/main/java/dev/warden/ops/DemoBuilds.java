package dev.warden.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.core.Warden;
import dev.warden.workers.build.BuildKind;
import dev.warden.workers.build.BuildMetrics;
import dev.warden.workers.build.Builds;
import dev.warden.workers.build.DroneProbe;
import dev.warden.workers.build.ProbeOutcome;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's build step: two drones speak the drone protocol over HTTP on 127.0.0.1. drone-a is healthy; drone-b
 * heartbeats fine but its ssh probe times out (the incident's probe-path asymmetry): not escalated. A lease
 * revoked from drone-a and given to drone-b makes drone-a's late report stale: fenced with stop_work.
 */
final class DemoBuilds {
  static final String CONFIG = "warden.build { service.tick-interval = 200ms, heartbeat { stale-after = 3s, offline-after = 1m }\n"
      + "  healing { probe-interval = 100ms, probe-timeout = 100ms, failures = 3, window = 0s } }\n";

  /** The kind with the demo's ssh probe: drone-b's always times out. */
  static BuildKind kind() {
    return BuildKind.create().withProbe(new DroneProbe() {
      @Override
      public String name() {
        return "ssh";
      }

      @Override
      public ProbeOutcome probe(String droneId, Duration timeout) {
        return droneId.equals("drone-b") ? ProbeOutcome.TIMEOUT : ProbeOutcome.PASS;
      }
    });
  }

  static void run(Warden warden, PrintStream out) throws Exception {
    Builds builds = Builds.of(warden);
    if (warden.httpUrl().isEmpty()) {
      out.println("      skipped: drones speak HTTP, and the HTTP server is off (warden.http.enabled)");
      return;
    }
    String base = warden.httpUrl().get() + "/api/v1/builds/drones/";
    HttpClient http = HttpClient.newHttpClient();
    Optional<String> token = warden.httpTokenFile().map(DemoBuilds::firstLine); // the demo's drones speak with the node's token
    for (String p : new String[] {"libfoo-1.2", "libbar-0.9"}) {
      builds.submit(p, Set.of()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    post(http, token, base + "drone-a/register", "{\"cores\":8,\"machine\":\"vm\"}");
    post(http, token, base + "drone-b/register", "{\"cores\":8,\"machine\":\"vm\"}");
    ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-drone-heartbeats");
      t.setDaemon(true);
      return t;
    });
    try {
      beats.scheduleWithFixedDelay(() -> {
        post(http, token, base + "drone-a/heartbeat", "{}");
        post(http, token, base + "drone-b/heartbeat", "{}");
      }, 0, 300, TimeUnit.MILLISECONDS);

      JsonNode first = post(http, token, base + "drone-a/lease", "{\"wanted\":1}").path("leases").get(0);
      String pkg = first.path("package").asText();
      builds.revoke(pkg, "demo-operator").toCompletableFuture().get(10, TimeUnit.SECONDS);
      JsonNode second = post(http, token, base + "drone-b/lease", "{\"wanted\":1}").path("leases").get(0);
      out.println("      " + pkg + " leased to drone-a (epoch " + first.path("epoch").asInt() + "), revoked, leased to drone-b (epoch "
          + second.path("epoch").asInt() + ")");
      JsonNode stale = post(http, token, base + "drone-a/report", report(pkg, first.path("epoch").asInt()));
      out.println("      drone-a's late report of epoch " + first.path("epoch").asInt() + " fenced: " + stale);
      JsonNode ok = post(http, token, base + "drone-b/report", report(pkg, second.path("epoch").asInt()));
      out.println("      drone-b's report of epoch " + second.path("epoch").asInt() + ": accepted=" + ok.path("accepted").asBoolean()
          + " " + ok.path("recorded").asText() + ", package " + ok.path("status").asText());

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      BuildMetrics m = builds.metrics().toCompletableFuture().get(10, TimeUnit.SECONDS);
      while (m.suppressedEscalations() == 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100); // the CLI polling the control plane's figures, not a test waiting
        m = builds.metrics().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      JsonNode b = post(http, token, base + "drone-b/heartbeat", "{}");
      String level = builds.droneView("drone-b").toCompletableFuture().get(10, TimeUnit.SECONDS)
          .map(d -> d.level() == null ? "none" : d.level().name()).orElse("?");
      out.println("      drone-b: ssh probe TIMEOUT every 100ms while its heartbeat is fresh (known=" + b.path("known").asBoolean()
          + "): suppressed runs " + m.suppressedEscalations() + ", escalations " + m.escalations().values().stream().mapToLong(x -> x).sum()
          + ", ladder level " + level);
    } finally {
      beats.shutdownNow();
    }
  }

  private static String report(String pkg, int epoch) {
    return "{\"package\":\"" + pkg + "\",\"epoch\":" + epoch + ",\"outcome\":\"success\",\"digest\":\"sha256:5e1f\"}";
  }

  private static JsonNode post(HttpClient http, Optional<String> token, String url, String body) {
    return JsonPost.post(http, url, body, Duration.ofSeconds(10), token);
  }

  private static String firstLine(java.nio.file.Path file) {
    try {
      return java.nio.file.Files.readAllLines(file).get(0).trim();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }


  private DemoBuilds() {}
}
