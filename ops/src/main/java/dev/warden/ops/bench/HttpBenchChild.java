package dev.warden.ops.bench;

import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobLedger;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One measured run of {@code bench http}, in a fresh JVM on its own H2 file, the node's HTTP server on
 * 127.0.0.1 (no token). The job type is paused, so a submit writes one Submitted event and nothing runs.
 * Prints {@code key=value} lines:
 * <ul>
 *   <li>{@code java_per_s}: {@value LedgerSyncChild#SUBMITTERS} threads, each calling
 *       {@code JobLedger.submit(...).join()} in turn, {@code N} submits in all (the baseline);
 *   <li>{@code http_per_s}: the same through {@code POST /api/v1/jobs} from as many keep-alive HTTP/1.1
 *       clients (one JDK {@code HttpClient} per thread), each waiting for its answer (the job journaled);
 *   <li>{@code get_p50_ms}, {@code get_p99_ms}: {@code GET /api/v1/jobs/{id}} of random known ids from one
 *       client, with {@code L} jobs in the ledger;
 *   <li>{@code console_ms}: the console's first load as its bytes go, with those jobs in the ledger: a new
 *       client fetches {@code /}, then its script and style together, then reads the live feed's first
 *       snapshot (what the page draws the tree from); the median of {@value #CONSOLE_LOADS} loads after as
 *       many warm-up loads. Rendering is not in it: the browser test reports the page's own load time.
 * </ul>
 * Each part warms up first; the two submit parts alternate which goes first across runs ({@code javaFirst}).
 */
public final class HttpBenchChild {
  private static final String TYPE = "held";
  private static final int CONSOLE_LOADS = 20;

  private HttpBenchChild() {}

  /** {@code <data dir> <submits per side N> <ledger size L> <gets> <java first: true|false>}. */
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int ledgerSize = Integer.parseInt(args[2]);
    int gets = Integer.parseInt(args[3]);
    boolean javaFirst = Boolean.parseBoolean(args[4]);
    int warm = Math.min(n, 2000);
    // each console load leaves a live-feed stream the node notices closed only at its next write: room for all of them
    try (Warden w = LedgerBenchChild.startNode(data, "warden.http { enabled = on, generate-token = off, host = \"127.0.0.1\", port = 0, "
        + "max-event-streams = " + 4 * CONSOLE_LOADS + " }\n")) {
      LedgerBenchChild.put("durability", LedgerBenchChild.durability(w.system().settings().config()));
      JobLedger ledger = JobLedger.of(w);
      ledger.pause(TYPE).toCompletableFuture().get(30, TimeUnit.SECONDS);
      String base = w.httpUrl().orElseThrow();
      Submitter java = (client, id) -> ledger.submit(TYPE, id, "").toCompletableFuture().get(30, TimeUnit.SECONDS);
      Submitter http = (client, id) -> post(client, base, id);
      concurrent(java, "wj-", warm);
      concurrent(http, "wh-", warm);
      double javaRate;
      double httpRate;
      if (javaFirst) {
        javaRate = concurrent(java, "j-", n);
        httpRate = concurrent(http, "h-", n);
      } else {
        httpRate = concurrent(http, "h-", n);
        javaRate = concurrent(java, "j-", n);
      }
      LedgerBenchChild.put("java_per_s", javaRate);
      LedgerBenchChild.put("http_per_s", httpRate);
      int present = 2 * (warm + n);
      int filled = Math.max(0, ledgerSize - present);
      if (filled > 0) {
        LedgerBenchChild.submitAll(ledger, TYPE, filled, "fill-", "");
      }
      LedgerBenchChild.awaitCount(ledger, TYPE, "pending", present + filled, Duration.ofMinutes(5));
      LedgerBenchChild.put("ledger_jobs", ledger.count(TYPE, "pending"));
      double[] lat = filled > 0 ? gets(base, "fill-", filled, gets) : gets(base, "j-", n, gets);
      Arrays.sort(lat);
      LedgerBenchChild.put("get_p50_ms", Figures.quantile(lat, 0.5));
      LedgerBenchChild.put("get_p99_ms", Figures.quantile(lat, 0.99));
      LedgerBenchChild.put("console_ms", consoleLoads(base));
    }
    System.out.flush();
    System.exit(0);
  }

  private interface Submitter {
    void submit(HttpClient client, String id) throws Exception;
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static void post(HttpClient client, String base, String id) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"type\":\"" + TYPE + "\"}"))
        .build();
    HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("POST /api/v1/jobs " + id + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** {@link LedgerSyncChild#SUBMITTERS} threads share {@code n} waited submits; answers submits per second. */
  private static double concurrent(Submitter submitter, String prefix, int n) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    long t0 = System.nanoTime();
    for (int t = 0; t < LedgerSyncChild.SUBMITTERS; t++) {
      Thread th = new Thread(() -> {
        HttpClient client = client(); // one keep-alive connection per thread
        try {
          for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
            submitter.submit(client, prefix + i);
          }
        } catch (Exception e) {
          errors.add(e);
        }
      }, "submitter-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!errors.isEmpty()) {
      throw new IllegalStateException("a waited submit failed: " + errors.get(0), errors.get(0));
    }
    return n / seconds;
  }

  /** {@code gets} reads of {@code prefix + random(0..known)} after as many warm-up reads; each one's time (ms). */
  private static double[] gets(String base, String prefix, int known, int gets) throws Exception {
    HttpClient client = client();
    SplittableRandom random = new SplittableRandom(42);
    double[] lat = new double[gets];
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < gets; i++) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs/" + prefix + random.nextInt(known)))
            .timeout(Duration.ofSeconds(30)).GET().build();
        long t = System.nanoTime();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        lat[i] = (System.nanoTime() - t) / 1e6;
        if (r.statusCode() != 200) {
          throw new IllegalStateException("GET " + req.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
      }
    }
    return lat;
  }

  /** The median of {@link #CONSOLE_LOADS} first loads of the console (after as many warm-up loads), in ms. */
  private static double consoleLoads(String base) throws Exception {
    double[] ms = new double[CONSOLE_LOADS];
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < CONSOLE_LOADS; i++) {
        HttpClient client = client(); // a new page: a new connection
        long t = System.nanoTime();
        expect200(client.send(get(base + "/"), HttpResponse.BodyHandlers.ofString()));
        CompletableFuture<HttpResponse<String>> script = client.sendAsync(get(base + "/console/console.js"), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> style = client.sendAsync(get(base + "/console/console.css"), HttpResponse.BodyHandlers.ofString());
        expect200(script.get(30, TimeUnit.SECONDS));
        expect200(style.get(30, TimeUnit.SECONDS));
        HttpResponse<InputStream> feed = client.send(get(base + "/api/v1/events"), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = feed.body()) {
          BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
          String line = lines.readLine();
          while (line != null && !line.startsWith("data:")) {
            line = lines.readLine();
          }
          if (feed.statusCode() != 200 || line == null) {
            throw new IllegalStateException("GET /api/v1/events answered " + feed.statusCode() + " without a snapshot");
          }
        }
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
    }
    Arrays.sort(ms);
    return Figures.quantile(ms, 0.5);
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
  }

  private static void expect200(HttpResponse<String> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + r.uri() + " answered " + r.statusCode());
    }
  }
}
