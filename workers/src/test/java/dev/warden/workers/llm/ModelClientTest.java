package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real HTTP server on 127.0.0.1 speaking the Ollama and OpenAI streaming protocols, well and badly. */
class ModelClientTest {
  private HttpServer server;
  private URI base;
  private final ModelClient client = new ModelClient(Duration.ofSeconds(2), 1 << 20);
  private final AtomicInteger chunks = new AtomicInteger();
  private final CountDownLatch clientGone = new CountDownLatch(1);
  private final CountDownLatch testOver = new CountDownLatch(1);
  private final AtomicReference<String> lastBody = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicLong afterDone = new java.util.concurrent.atomic.AtomicLong();
  /** Answer characters /forever sent, and when they first passed {@link #FOREVER_LIMIT} (nanoTime; 0: not yet). */
  private final java.util.concurrent.atomic.AtomicLong charsSent = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong passedLimitAt = new java.util.concurrent.atomic.AtomicLong();
  private static final int FOREVER_LIMIT = 10_000;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/api/chat", ex -> stream(ex, List.of(
        "{\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"done\":false}",
        "{\"message\":{\"role\":\"assistant\",\"content\":\" world\"},\"done\":false}",
        "{\"message\":{\"role\":\"assistant\",\"content\":\"!\"},\"done\":false}",
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"total_duration\":1}")));
    server.createContext("/api/generate", ex -> stream(ex, List.of(
        "{\"response\":\"4\",\"done\":false}", "{\"response\":\"2\",\"done\":false}", "{\"response\":\"\",\"done\":true}")));
    server.createContext("/v1/chat/completions", ex -> stream(ex, List.of(
        "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", "",
        "data: {\"choices\":[{\"delta\":{\"content\":\"fine\"}}]}", "",
        "data: {\"choices\":[{\"delta\":{\"content\":\", thanks\"},\"finish_reason\":\"stop\"}]}", "",
        "data: [DONE]", "")));
    server.createContext("/err500/api/chat", ex -> {
      byte[] b = "{\"error\":\"model 'nope' not found\"}".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.createContext("/badjson/api/chat", ex -> stream(ex, List.of(
        "{\"message\":{\"content\":\"ok\"},\"done\":false}", "{\"message\":{\"content\": oops", "{\"done\":true}")));
    server.createContext("/early/api/chat", ex -> stream(ex, List.of("{\"message\":{\"content\":\"half\"},\"done\":false}")));
    server.createContext("/crlf/v1/chat/completions", ex -> raw(ex,
        "data: {\"choices\":[{\"delta\":{\"content\":\"cr\"}}]}\r\n\r\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"lf\"}}]}\r\r",
        ": keep-alive comment\r\n",
        "data: {\"choices\":[],\"usage\":{\"total_tokens\":3}}\r\n\r\n",
        "data: [DONE]")); // no line break after the last line
    server.createContext("/nodone/v1/chat/completions", ex -> raw(ex,
        "data: {\"choices\":[{\"delta\":{\"content\":\"all\"},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"));
    server.createContext("/cut/v1/chat/completions", ex -> raw(ex,
        "data: {\"choices\":[{\"delta\":{\"content\":\"half\"},\"finish_reason\":null}]}\n\n"));
    server.createContext("/whole/v1/chat/completions", ex -> raw(ex,
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"not streamed\"},\"finish_reason\":\"stop\"}]}\n"));
    server.createContext("/utf8/api/generate", ex -> {
      byte[] b = "{\"response\":\"h\u00e9\u20ac\",\"done\":false}\n{\"response\":\"\",\"done\":true}\n".getBytes(StandardCharsets.UTF_8);
      int split = "{\"response\":\"h".length() + 1; // inside the two bytes of the e-acute
      rawBytes(ex, java.util.Arrays.copyOfRange(b, 0, split), java.util.Arrays.copyOfRange(b, split, split + 2),
          java.util.Arrays.copyOfRange(b, split + 2, b.length));
    });
    server.createContext("/longline/api/chat", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0);
      byte[] filler = new byte[8192];
      java.util.Arrays.fill(filler, (byte) 'x');
      try (OutputStream out = ex.getResponseBody()) {
        out.write("{\"message\":{\"content\":\"".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 4096; i++) { // 32 MiB without a line break, unless the client stops reading first
          out.write(filler);
        }
      } catch (IOException e) {
        clientGone.countDown();
      }
    });
    server.createContext("/bigerror/api/chat", ex -> {
      byte[] b = new byte[1 << 20];
      java.util.Arrays.fill(b, (byte) 'e');
      ex.sendResponseHeaders(503, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      } catch (IOException e) {
        // the client stopped reading after what it keeps
      }
    });
    server.createContext("/hang/api/chat", this::hang);
    server.createContext("/open/api/chat", ex -> { // the answer, then the response is never ended
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      try {
        out.write("{\"message\":{\"content\":\"said\"},\"done\":true}\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (!testOver.await(50, TimeUnit.MILLISECONDS)) {
          out.write(' '); // a byte now and then: how the server learns that the client closed
          out.flush();
        }
      } catch (IOException e) {
        clientGone.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.createContext("/busy/api/chat", ex -> { // 503, a few words, then the body never ends
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Retry-After", "1");
      ex.sendResponseHeaders(503, 1 << 20);
      OutputStream out = ex.getResponseBody();
      try {
        out.write("overloaded, try later".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (!testOver.await(50, TimeUnit.MILLISECONDS)) {
          out.write(' ');
          out.flush();
        }
      } catch (IOException e) {
        clientGone.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.createContext("/nullcontent/api/chat", ex -> raw(ex,
        "{\"message\":{\"role\":\"assistant\",\"content\":null},\"done\":false}\n",
        "{\"message\":{\"content\":\"x\"},\"done\":true}\n"));
    server.createContext("/numcontent/api/chat", ex -> raw(ex, "{\"message\":{\"content\":42},\"done\":true}\n"));
    server.createContext("/objcontent/v1/chat/completions", ex -> raw(ex,
        "data: {\"choices\":[{\"delta\":{\"content\":{\"text\":\"hi\"}}}]}\n\n", "data: [DONE]\n\n"));
    server.createContext("/oddchoice/v1/chat/completions", ex -> raw(ex, "data: {\"choices\":[\"hi\"]}\n\n", "data: [DONE]\n\n"));
    server.createContext("/latin1/api/generate", ex -> rawBytes(ex,
        "{\"response\":\"caf\u00e9\",\"done\":true}\n".getBytes(StandardCharsets.ISO_8859_1)));
    server.createContext("/echo/v1/chat/completions", ex -> { // a proxy's debug page, answered 200 as HTML
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      ex.getRequestBody().readAllBytes();
      byte[] b = ("<html><body>" + "x".repeat(98) + auth + " was sent</body></html>\n").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.createContext("/echo500/api/chat", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      ex.getRequestBody().readAllBytes();
      byte[] b = ("{\"error\":\"upstream refused " + auth + "\"}\n\u001b[2J\u001b[31mERROR forged log line\u2028next").getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(500, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.createContext("/endless/v1/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0);
      byte[] junk = new byte[64 * 1024];
      java.util.Arrays.fill(junk, (byte) ' ');
      try (OutputStream out = ex.getResponseBody()) {
        out.write("data: {\"choices\":[{\"delta\":{\"content\":\"whole\"}}]}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (afterDone.get() < (1L << 30) && testOver.getCount() > 0) { // 1 GiB past its end, unless the client stops reading
          out.write(junk);
          afterDone.addAndGet(junk.length);
        }
      } catch (IOException e) {
        clientGone.countDown();
      }
    });
    server.createContext("/forever/api/chat", ex -> { // tokens for ever, until the client goes away
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(200, 0);
      byte[] line = "{\"message\":{\"content\":\"token token token token token \"},\"done\":false}\n".getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = ex.getResponseBody()) {
        while (!testOver.await(1, TimeUnit.MILLISECONDS)) {
          // counted before it is sent: the client may read it and fail before this thread goes on
          if (charsSent.addAndGet(30) > FOREVER_LIMIT) {
            passedLimitAt.compareAndSet(0, System.nanoTime());
          }
          out.write(line);
          out.flush();
        }
      } catch (IOException e) {
        clientGone.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    testOver.countDown();
    server.stop(0);
  }

  private void stream(HttpExchange ex, List<String> lines) throws IOException {
    lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (String l : lines) {
        out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  private void raw(HttpExchange ex, String... parts) throws IOException {
    byte[][] bytes = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = parts[i].getBytes(StandardCharsets.UTF_8);
    }
    rawBytes(ex, bytes);
  }

  /** Writes each part as its own flushed chunk, exactly as given (line breaks included). */
  private void rawBytes(HttpExchange ex, byte[]... parts) throws IOException {
    ex.getRequestBody().readAllBytes();
    ex.sendResponseHeaders(200, 0);
    try (OutputStream out = ex.getResponseBody()) {
      for (byte[] p : parts) {
        out.write(p);
        out.flush();
      }
    }
  }

  /** One chunk, then a trickle of keep-alive chunks until the client goes away. */
  private void hang(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    try {
      out.write("{\"message\":{\"content\":\"thinking\"},\"done\":false}\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      for (int i = 0; i < 600; i++) {
        try {
          if (testOver.await(50, TimeUnit.MILLISECONDS)) { // a model that hangs until the test ends
            return;
          }
        } catch (InterruptedException e) {
          return;
        }
        out.write("\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      clientGone.countDown();
    } finally {
      ex.close();
    }
  }

  private static ModelCallException failure(ModelClient.InFlight call) {
    try {
      call.result().get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to fail");
    } catch (ExecutionException e) {
      return (ModelCallException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void ollamaChatStreamIsAssembledAndEveryChunkIsAHeartbeat() throws Exception {
    ModelClient.InFlight call = client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, base, "llama3", List.of(new ChatMessage("user", "hi"))), chunks::incrementAndGet);
    assertThat(call.result().get(10, TimeUnit.SECONDS)).isEqualTo("Hello world!");
    assertThat(chunks.get()).isEqualTo(4);
    assertThat(lastBody.get()).contains("\"model\":\"llama3\"").contains("\"stream\":true").contains("\"content\":\"hi\"");
  }

  @Test
  void ollamaGenerateAndOpenAiSseAreAssembled() throws Exception {
    assertThat(client.start(ModelCall.generate(base, "m", "6*7?"), chunks::incrementAndGet).result().get(10, TimeUnit.SECONDS))
        .isEqualTo("42");
    assertThat(lastBody.get()).contains("\"prompt\":\"6*7?\"");
    assertThat(client.start(ModelCall.chat(ModelApi.OPENAI_CHAT, base, "gpt", List.of(new ChatMessage("user", "how are you"))),
        chunks::incrementAndGet).result().get(10, TimeUnit.SECONDS)).isEqualTo("fine, thanks");
  }

  @Test
  void httpErrorFailsWithStatusAndBody() {
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/err500"), "nope", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.HTTP_STATUS);
    assertThat(e.getMessage()).contains("HTTP 500").contains("model 'nope' not found");
  }

  @Test
  void malformedJsonFailsNamingTheLine() {
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/badjson"), "m", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("line 2").contains("oops");
  }

  @Test
  void streamWithoutDoneFailsAsEndedEarly() {
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/early"), "m", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.STREAM_ENDED_EARLY);
  }

  @Test
  void connectionResetMidStreamFailsAsConnectionError() throws Exception {
    try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      // Every connection gets headers and one chunk, then a reset. When the reset overtakes the bytes (a loaded
      // machine), the client sees a reset before any response byte and sends again, up to its re-send bound:
      // so every connection is answered the same way, and the call fails either way instead of hanging.
      Thread t = new Thread(() -> {
        while (!raw.isClosed()) {
          try (Socket s = raw.accept()) {
            readRequest(s.getInputStream());
            s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "30\r\n{\"message\":{\"content\":\"partial\"},\"done\":false}\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            s.setSoLinger(true, 0); // RST on close
          } catch (IOException ignored) {
            // closed at the end of the test, or the client went away: the client side decides the outcome
          }
        }
      });
      t.setDaemon(true);
      t.start();
      ModelCallException e = failure(client.start(
          ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create("http://127.0.0.1:" + raw.getLocalPort()), "m", List.of()),
          chunks::incrementAndGet));
      assertThat(e.kind()).isIn(ModelCallException.Kind.CONNECTION, ModelCallException.Kind.STREAM_ENDED_EARLY);
      assertThat(e.getMessage()).containsAnyOf("broke", "ended", "failed");
    }
  }

  @Test
  void cancelAbortsTheHttpExchange() throws Exception {
    ModelClient.InFlight call = client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/hang"), "m", List.of()), chunks::incrementAndGet);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chunks.get() >= 1);
    call.cancel("reaped: heartbeat timeout");
    assertThat(failure(call).kind()).isEqualTo(ModelCallException.Kind.CANCELLED);
    assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
  }

  @Test
  void cancelBeforeAnyResponseByteClosesTheConnection() throws Exception {
    CountDownLatch read = new CountDownLatch(1);
    AtomicInteger afterRequest = new AtomicInteger(-2);
    try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> { // accepts, reads the request, never answers: waits for the client's close
        try (Socket s = raw.accept()) {
          readRequest(s.getInputStream());
          read.countDown();
          afterRequest.set(s.getInputStream().read());
        } catch (IOException e) {
          afterRequest.set(-1); // reset: closed as well
        }
        clientGone.countDown();
      });
      t.setDaemon(true);
      t.start();
      ModelClient.InFlight call = client.start(
          ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create("http://127.0.0.1:" + raw.getLocalPort()), "m", List.of()), chunks::incrementAndGet);
      assertThat(read.await(10, TimeUnit.SECONDS)).as("the request arrived").isTrue();
      call.cancel("reaped: no heartbeat");
      assertThat(failure(call).kind()).isEqualTo(ModelCallException.Kind.CANCELLED);
      assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
      assertThat(afterRequest.get()).as("end of stream, not another byte").isEqualTo(-1);
    }
  }

  private String openAi(String path) throws Exception {
    return client.start(ModelCall.chat(ModelApi.OPENAI_CHAT, URI.create(base + path), "gpt", List.of(new ChatMessage("user", "q"))),
        chunks::incrementAndGet).result().get(10, TimeUnit.SECONDS);
  }

  @Test
  void sseWithCrLfOrLoneCrLineEndsCommentsAUsageChunkAndNoFinalLineBreakIsAssembled() throws Exception {
    assertThat(openAi("/crlf")).isEqualTo("crlf");
  }

  @Test
  void sseThatSaidItFinishedAndEndsWithoutTheDoneMarkerCompletesButACutOneFails() throws Exception {
    assertThat(openAi("/nodone")).isEqualTo("all");
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OPENAI_CHAT, URI.create(base + "/cut"), "gpt", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.STREAM_ENDED_EARLY);
  }

  @Test
  void anOpenAiServerThatIgnoresStreamingAndAnswersOneCompletionIsRead() throws Exception {
    assertThat(openAi("/whole")).isEqualTo("not streamed");
  }

  @Test
  void aCharacterSplitAcrossTwoChunksIsDecodedWhole() throws Exception {
    assertThat(client.start(ModelCall.generate(URI.create(base + "/utf8"), "m", "p"), chunks::incrementAndGet).result()
        .get(10, TimeUnit.SECONDS)).isEqualTo("h\u00e9\u20ac");
  }

  @Test
  void aLineLongerThanTheBoundFailsTheCallAndStopsReading() throws Exception {
    ModelClient bounded = new ModelClient(Duration.ofSeconds(2), 1 << 20, 64 * 1024);
    ModelCallException e = failure(bounded.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/longline"), "m", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE);
    assertThat(e.getMessage()).contains("response line 1 is longer than 65536 bytes");
    assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("the client closed the connection instead of reading 32 MiB").isTrue();
  }

  @Test
  void anAnswerPastTheBoundFailsTheCallAtOnceAndClosesTheConnectionOfAServerThatStreamsForEver() throws Exception {
    ModelClient bounded = new ModelClient(Duration.ofSeconds(2), FOREVER_LIMIT);
    java.util.concurrent.atomic.AtomicLong failedAt = new java.util.concurrent.atomic.AtomicLong();
    ModelClient.InFlight call = bounded.start(ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/forever"), "m", List.of()),
        chunks::incrementAndGet);
    call.result().whenComplete((text, err) -> failedAt.set(System.nanoTime()));
    ModelCallException e = failure(call);
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.RESPONSE_TOO_LONG);
    assertThat(e.getMessage()).startsWith(base + "/forever/api/chat: the answer passed 10000 characters at response line 334;")
        .contains("not read further").contains("raise warden.llm.client.max-response-chars");
    assertThat(passedLimitAt.get()).as("the server passed the bound").isPositive();
    assertThat(Duration.ofNanos(failedAt.get() - passedLimitAt.get())).as("failed soon after the server passed the bound")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
    ModelCall target = ModelCall.chat("hosted", "m", List.of());
    assertThat(InteractionHandler.classify(e, target, Duration.ofSeconds(1))).as("not retried")
        .isInstanceOf(ModelRejectedException.class).hasMessageStartingWith("not retried: " + base + "/forever/api/chat: the answer passed");
  }

  @Test
  void aServerThatStreamsOnPastItsFinalChunkHasItsConnectionClosedInsteadOfBeingReadForEver() throws Exception {
    assertThat(openAi("/endless")).isEqualTo("whole");
    assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("the client closed the connection; %s bytes were sent after [DONE]",
        afterDone.get()).isTrue();
    assertThat(afterDone.get()).as("bytes sent past the end before the close (socket buffers included)").isLessThan(64L << 20);
  }

  @Test
  void aServerThatNeverEndsTheResponseAfterItsFinalChunkHasItsConnectionClosedSoon() throws Exception {
    long t0 = System.nanoTime();
    assertThat(client.start(ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/open"), "m", List.of()), chunks::incrementAndGet)
        .result().get(10, TimeUnit.SECONDS)).isEqualTo("said");
    assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("the client closed the connection instead of holding it for ever").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(StreamedCall.MAX_WAIT_AFTER_DONE);
  }

  @Test
  void anErrorWhoseBodyNeverEndsFailsTheCallAfterABoundedWaitWithWhatCameOfIt() throws Exception {
    long t0 = System.nanoTime();
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/busy"), "m", List.of()), chunks::incrementAndGet));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(ErrorBody.MAX_WAIT);
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(e.getMessage()).contains("HTTP 503 from model server: overloaded, try later").contains("body not ended within 5 s")
        .contains("Retry-After: 1");
    assertThat(clientGone.await(10, TimeUnit.SECONDS)).as("the server saw the connection closed").isTrue();
  }

  @Test
  void aServerThatEchoesTheKeyNeverHasItQuotedAndAFailureSaysWhereTheCallWentAndWhatCameBack() {
    String key = "sk-echo-5be1f0a9c3d7e2";
    URI echo = URI.create(base + "/echo");
    ModelCallException html = failure(client.start(
        ModelCall.chat(ModelApi.OPENAI_CHAT, echo, "gpt", List.of()).withApiKey(key), chunks::incrementAndGet));
    assertThat(html.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE);
    assertThat(html.getMessage()).startsWith(echo + "/v1/chat/completions: expected an SSE data line at response line 1: <html>")
        .contains("Content-Type: text/html").contains("Bearer ***")
        .as("not the key, nor its start where the quote is cut").doesNotContain(key).doesNotContain(key.substring(0, 8));

    ModelCallException e500 = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/echo500"), "m", List.of()).withApiKey(key), chunks::incrementAndGet));
    assertThat(e500.httpStatus()).isEqualTo(500);
    assertThat(e500.getMessage()).startsWith(base + "/echo500/api/chat: HTTP 500").contains("upstream refused Bearer ***")
        .contains("\\u001b[31mERROR forged log line\\u2028next").doesNotContain(key)
        .doesNotContain("\u001b").doesNotContain("\n").doesNotContain("\u2028");
  }

  @Test
  void aRedirectIsNotFollowedSoTheKeyNeverReachesAnotherOriginAndItIsNotRetried() throws Exception {
    AtomicInteger elsewhere = new AtomicInteger();
    HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    other.createContext("/", ex -> {
      elsewhere.incrementAndGet();
      ex.sendResponseHeaders(500, -1);
      ex.close();
    });
    other.start();
    String target = "http://bob:pw-3391@127.0.0.1:" + other.getAddress().getPort() + "/api/chat";
    server.createContext("/moved/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().set("Location", target);
      ex.sendResponseHeaders(307, -1);
      ex.close();
    });
    try {
      for (ModelApi api : List.of(ModelApi.OLLAMA_CHAT, ModelApi.OPENAI_CHAT)) {
        ModelCall call = ModelCall.chat(api, URI.create(base + "/moved"), "m", List.of()).withApiKey("sk-redirected-77a1");
        ModelCallException e = failure(client.start(call, chunks::incrementAndGet));
        assertThat(e.httpStatus()).isEqualTo(307);
        assertThat(e.getMessage()).contains("HTTP 307").contains("Location: http://***@127.0.0.1:" + other.getAddress().getPort())
            .contains("redirects are not followed").doesNotContain("pw-3391");
        assertThat(ModelRejectedException.isRejection(e)).as("the same request meets the same redirect: not retried").isTrue();
        assertThat(InteractionHandler.classify(e, call, Duration.ofSeconds(1))).isInstanceOf(ModelRejectedException.class);
      }
      assertThat(elsewhere.get()).as("requests that reached the redirect's target").isZero();
    } finally {
      other.stop(0);
    }
  }

  @Test
  void contentThatIsNotAStringOrNotUtf8IsAMalformedAnswerAndANullContentIsNoText() throws Exception {
    assertThat(client.start(ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/nullcontent"), "m", List.of()),
        chunks::incrementAndGet).result().get(10, TimeUnit.SECONDS)).as("not \"nullx\"").isEqualTo("x");
    ModelCallException number = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/numcontent"), "m", List.of()), chunks::incrementAndGet));
    assertThat(number.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE);
    assertThat(number.getMessage()).contains("/numcontent/api/chat: response line 1: message.content is not a string but number");
    ModelCallException object = failure(client.start(
        ModelCall.chat(ModelApi.OPENAI_CHAT, URI.create(base + "/objcontent"), "m", List.of()), chunks::incrementAndGet));
    assertThat(object.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE);
    assertThat(object.getMessage()).contains("response line 1: choices[0].delta.content is not a string but object");
    ModelCallException choice = failure(client.start(
        ModelCall.chat(ModelApi.OPENAI_CHAT, URI.create(base + "/oddchoice"), "m", List.of()), chunks::incrementAndGet));
    assertThat(choice.getMessage()).contains("response line 1: choices[0] is not an object");
    ModelCallException latin1 = failure(client.start(ModelCall.generate(URI.create(base + "/latin1"), "m", "p"), chunks::incrementAndGet));
    assertThat(latin1.kind()).isEqualTo(ModelCallException.Kind.MALFORMED_RESPONSE);
    assertThat(latin1.getMessage()).contains("/latin1/api/generate: response line 1 is not valid UTF-8: {\"response\":\"caf\ufffd\"");
  }

  @Test
  void aHugeErrorBodyIsCutInTheMessage() {
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create(base + "/bigerror"), "m", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.HTTP_STATUS);
    assertThat(e.httpStatus()).isEqualTo(503);
    assertThat(e.getMessage()).contains("HTTP 503").contains("eeee").contains("body cut at 4096 bytes").hasSizeLessThan(400);
  }

  @Test
  void unreachableServerFailsAsConnectionError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ModelCallException e = failure(client.start(
        ModelCall.chat(ModelApi.OLLAMA_CHAT, URI.create("http://127.0.0.1:" + port), "m", List.of()), chunks::incrementAndGet));
    assertThat(e.kind()).isEqualTo(ModelCallException.Kind.CONNECTION);
    assertThat(e.getMessage()).contains("connection to http://127.0.0.1:" + port + "/api/chat failed");
  }

  @Test
  void aKeptAliveConnectionTheServerClosedCostsTheCallNothing() throws Exception {
    String body = "{\"message\":{\"content\":\"ok\"},\"done\":true}\n";
    byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
        .getBytes(StandardCharsets.US_ASCII);
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket raw = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      // Answers one whole request per connection, announcing keep-alive, then closes it (an idle-timeout close
      // racing the client's reuse): the client's pool holds a connection that is dead by the time it is reused.
      Thread t = new Thread(() -> {
        while (!raw.isClosed()) {
          try (Socket c = raw.accept()) {
            connections.incrementAndGet();
            readRequest(c.getInputStream());
            c.getOutputStream().write(answer);
            c.getOutputStream().flush();
          } catch (IOException ignored) {
            // closed at the end of the test, or the client went away: the client decides the outcome
          }
        }
      });
      t.setDaemon(true);
      t.start();
      URI uri = URI.create("http://127.0.0.1:" + raw.getLocalPort());
      for (int i = 0; i < 20; i++) { // the close races each reuse: many calls meet both outcomes
        assertThat(client.start(ModelCall.chat(ModelApi.OLLAMA_CHAT, uri, "m", List.of()), chunks::incrementAndGet).result()
            .get(10, TimeUnit.SECONDS)).as("call %s, after the server closed the previous connection", i).isEqualTo("ok");
      }
      assertThat(connections.get()).isEqualTo(20);
    }
  }

  /** Reads one HTTP/1.1 request: the header block, then Content-Length bytes of body. */
  private static void readRequest(java.io.InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request cut short");
      }
      head.append((char) b);
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
    int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
    in.readNBytes(length);
  }
}
