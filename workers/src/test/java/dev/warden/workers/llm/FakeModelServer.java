package dev.warden.workers.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process model server on 127.0.0.1 for tests and {@code warden demo}: Ollama
 * {@code /api/chat} (NDJSON) and OpenAI-compatible {@code /v1/chat/completions} (SSE), the same
 * replies in each one's format. Each model follows a script, the n-th request getting the n-th reply
 * (the last one repeats). Replies can answer, trickle, stream for ever, hang, answer late, fail with a status (and a
 * Retry-After) or send broken JSON. A request whose client went away mid-response (an aborted call)
 * is counted. With {@link #requireBearer} it answers 401 to a request without that key, as a
 * hosted API does.
 */
public final class FakeModelServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PROBE = Duration.ofMillis(50);

  /** How the server answers one request. */
  @FunctionalInterface
  public interface Reply {
    void serve(HttpExchange ex, FakeModelServer server) throws IOException, InterruptedException;
  }

  private final HttpServer http;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-model-server");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, List<Reply>> scripts = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final AtomicInteger aborted = new AtomicInteger();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private final Map<String, List<Long>> requestTimes = new ConcurrentHashMap<>();
  private volatile String requiredKey;
  private final CountDownLatch closed = new CountDownLatch(1);

  private FakeModelServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(pool);
    http.createContext("/api/chat", this::handle);
    http.createContext("/v1/chat/completions", this::handle);
    http.start();
  }

  public static FakeModelServer start() {
    try {
      return new FakeModelServer();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the fake model server: " + e, e);
    }
  }

  /** Base URI for {@link ModelCall}s ({@link ModelApi#OLLAMA_CHAT}). */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** From now on, requests without {@code Authorization: Bearer <key>} are answered 401 and not counted as requests. */
  public void requireBearer(String key) {
    requiredKey = key;
  }

  /** Requests answered 401 for a missing or wrong key. */
  public int unauthorized() {
    return unauthorized.get();
  }

  /** When each request of {@code model} arrived (epoch ms), in order. */
  public List<Long> requestTimes(String model) {
    return List.copyOf(requestTimes.getOrDefault(model, List.of()));
  }

  public void script(String model, Reply... replies) {
    scripts.put(model, List.of(replies));
  }

  public int requests(String model) {
    return requests.computeIfAbsent(model, m -> new AtomicInteger()).get();
  }

  /** Responses the client abandoned before they ended (aborted calls). */
  public int aborted() {
    return aborted.get();
  }

  /** Waits up to {@code timeout} until at least {@code n} calls were aborted; true if they were. */
  public boolean awaitAborted(int n, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (aborted) {
      while (aborted.get() < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(aborted, left);
      }
    }
    return true;
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String model = JSON.readTree(ex.getRequestBody().readAllBytes()).path("model").asText();
      String key = requiredKey;
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (key != null && !("Bearer " + key).equals(auth)) {
        unauthorized.incrementAndGet();
        // like a hosted API, the answer quotes what it was given: a client must not log it as is
        status(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + (auth == null ? "none" : auth.replace("\"", ""))
            + "\",\"type\":\"invalid_request_error\"}}").serve(ex, this);
        return;
      }
      requestTimes.computeIfAbsent(model, m -> java.util.Collections.synchronizedList(new java.util.ArrayList<>()))
          .add(System.currentTimeMillis());
      int n = requests.computeIfAbsent(model, m -> new AtomicInteger()).getAndIncrement();
      List<Reply> script = scripts.getOrDefault(model, List.of(answer("ok")));
      script.get(Math.min(n, script.size() - 1)).serve(ex, this);
    } catch (IOException e) {
      aborted.incrementAndGet();
      synchronized (aborted) {
        aborted.notifyAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void line(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Writes one chunk in the request's format: an NDJSON line, or an SSE event (the last followed by [DONE]). */
  private static void emit(HttpExchange ex, String content, boolean done) throws IOException {
    OutputStream out = ex.getResponseBody();
    if (!ex.getRequestURI().getPath().startsWith("/v1/")) {
      line(out, JSON.createObjectNode().put("done", done)
          .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content)).toString());
      return;
    }
    com.fasterxml.jackson.databind.node.ObjectNode choice = JSON.createObjectNode().put("index", 0);
    choice.set("delta", done ? JSON.createObjectNode() : JSON.createObjectNode().put("content", content));
    if (done) {
      choice.put("finish_reason", "stop");
    }
    com.fasterxml.jackson.databind.node.ObjectNode event = JSON.createObjectNode();
    event.putArray("choices").add(choice);
    line(out, "data: " + event + "\n");
    if (done) {
      line(out, "data: [DONE]\n");
    }
  }

  /** Waits {@code d} or until the server closes; true when closed. */
  private boolean pause(Duration d) throws InterruptedException {
    return closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The whole answer at once, in two chunks. */
  public static Reply answer(String text) {
    return (ex, s) -> {
      ex.sendResponseHeaders(200, 0);
      emit(ex, text, false);
      emit(ex, "", true);
    };
  }

  /** {@code chunks} chunks, one every {@code every}: slow but alive. */
  public static Reply trickle(String text, int chunks, Duration every) {
    return (ex, s) -> {
      ex.sendResponseHeaders(200, 0);
      for (int i = 0; i < chunks; i++) {
        if (s.pause(every)) {
          return;
        }
        emit(ex, i == 0 ? text : "", false);
      }
      emit(ex, "", true);
    };
  }

  /** One chunk, then silence (blank keep-alive lines, no heartbeat) until the client goes away. */
  public static Reply hang() {
    return (ex, s) -> {
      ex.sendResponseHeaders(200, 0);
      emit(ex, "thinking", false);
      while (!s.pause(PROBE)) {
        line(ex.getResponseBody(), "");
      }
    };
  }

  /** Chunks of {@code text}, one every millisecond, for ever: until the client goes away (or the server closes). */
  public static Reply endless(String text) {
    return (ex, s) -> {
      ex.sendResponseHeaders(200, 0);
      while (!s.pause(Duration.ofMillis(1))) {
        emit(ex, text, false);
      }
    };
  }

  /** Silent until {@code release}, then the answer: late if the attempt was reaped meanwhile. */
  public static Reply late(CountDownLatch release, String text) {
    return (ex, s) -> {
      ex.sendResponseHeaders(200, 0);
      while (!release.await(PROBE.toMillis(), TimeUnit.MILLISECONDS)) {
        if (s.closed.getCount() == 0) {
          return;
        }
        line(ex.getResponseBody(), "");
      }
      emit(ex, text, false);
      emit(ex, "", true);
    };
  }

  public static Reply status(int code, String body) {
    return (ex, s) -> {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(code, b.length);
      ex.getResponseBody().write(b);
    };
  }

  /** HTTP {@code code} (429, 503) with {@code Retry-After: value} (seconds or an HTTP date). */
  public static Reply retryAfter(int code, String value) {
    return (ex, s) -> {
      ex.getResponseHeaders().set("Retry-After", value);
      status(code, "{\"error\":\"busy, retry after " + value + "\"}").serve(ex, s);
    };
  }

  /** A good chunk, then a line that is not JSON. */
  public static Reply badJson() {
    return (ex, s) -> {
      ex.sendResponseHeaders(200, 0);
      emit(ex, "fine so far", false);
      line(ex.getResponseBody(), "{\"message\":{\"content\": oops");
    };
  }

  @Override
  public void close() {
    closed.countDown();
    http.stop(0);
    pool.shutdownNow();
  }
}
