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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Ollama {@code /api/chat} endpoint on 127.0.0.1 for crash tests of nodes in other JVMs: every
 * call is held at the gate (so calls stay in flight as long as the test wants), then answered
 * after {@code latency}. Calls are counted per interaction, taken from the first message's
 * content, so a call a restarted node made again is visible.
 */
final class GatedModelServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer http;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gated-model-server");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Duration latency = Duration.ZERO;
  private volatile String requiredKey;
  private final AtomicInteger unauthorized = new AtomicInteger();

  GatedModelServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512); // a node's 200 calls connect at once
    http.setExecutor(pool);
    http.createContext("/api/chat", this::handle);
    http.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  /** Lets held and later calls through, each answered {@code after} its release; may be called again to change {@code after}. */
  void open(Duration after) {
    latency = after;
    gate.countDown();
  }

  /** From now on a call without {@code Authorization: Bearer <key>} is answered 401 at once (not held, not counted). */
  void requireBearer(String key) {
    requiredKey = key;
  }

  /** Calls answered 401. */
  int unauthorized() {
    return unauthorized.get();
  }

  /** Calls waiting at the gate or in their latency right now. */
  int held() {
    return held.get();
  }

  /** Answers written (a dead caller's may count: the kernel takes the bytes before it notices). */
  int answered() {
    return answered.get();
  }

  /** Calls per interaction id, sorted. */
  Map<String, Integer> calls() {
    Map<String, Integer> out = new TreeMap<>();
    calls.forEach((id, n) -> out.put(id, n.get()));
    return out;
  }

  private void handle(HttpExchange ex) {
    String key = requiredKey;
    if (key != null && !("Bearer " + key).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
      unauthorized.incrementAndGet();
      try (ex) {
        ex.sendResponseHeaders(401, -1);
      } catch (IOException e) {
        // the caller went away
      }
      return;
    }
    held.incrementAndGet();
    try (ex) {
      String id = JSON.readTree(ex.getRequestBody().readAllBytes()).path("messages").path(0).path("content").asText();
      calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      while (!gate.await(50, TimeUnit.MILLISECONDS)) {
        if (closed.getCount() == 0) {
          return;
        }
      }
      if (closed.await(latency.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write((chunk("answer to " + id, false) + "\n" + chunk("", true) + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      answered.incrementAndGet();
    } catch (IOException e) {
      // the caller went away (a killed or stopped node): nothing to answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      held.decrementAndGet();
    }
  }

  private static String chunk(String content, boolean done) {
    return JSON.createObjectNode().put("done", done)
        .set("message", JSON.createObjectNode().put("role", "assistant").put("content", content)).toString();
  }

  @Override
  public void close() {
    closed.countDown();
    http.stop(0);
    pool.shutdownNow();
  }
}
