package dev.warden.workers.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Async, streaming, cancellable model calls over {@code java.net.http}. Every streamed chunk calls
 * {@code onChunk} (the caller turns it into a heartbeat); the result completes with the whole text,
 * or fails with a {@link ModelCallException} saying what went wrong and where. {@link InFlight#cancel}
 * really aborts the HTTP exchange. The answer is bounded: one longer than {@code maxResponseChars}
 * fails the call and closes its connection at once.
 */
public final class ModelClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final int maxResponseChars;
  private final int maxLineBytes;

  /** Longest response line read by default (a streamed chunk is far smaller; an unstreamed answer is one line). */
  public static final int DEFAULT_MAX_LINE_BYTES = 4 << 20;
  /** Bytes of an error response's body kept for the failure's message; the rest is not read. */
  static final int MAX_ERROR_BODY_BYTES = 4096;

  public ModelClient(Duration connectTimeout, int maxResponseChars) {
    this(connectTimeout, maxResponseChars, DEFAULT_MAX_LINE_BYTES);
  }

  /**
   * @param maxResponseChars longest answer per call, in characters; a longer one fails the call
   *     ({@link ModelCallException.Kind#RESPONSE_TOO_LONG}) as soon as it passes the bound, and the
   *     response is not read further
   * @param maxLineBytes longest response line accepted; a longer one fails the call (MALFORMED_RESPONSE)
   *     instead of growing a buffer without bound
   */
  public ModelClient(Duration connectTimeout, int maxResponseChars, int maxLineBytes) {
    if (maxResponseChars < 1 || maxLineBytes < 1) {
      throw new IllegalArgumentException("maxResponseChars and maxLineBytes must be >= 1");
    }
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    this.maxResponseChars = maxResponseChars;
    this.maxLineBytes = maxLineBytes;
  }

  /** A call under way. */
  public interface InFlight {
    CompletableFuture<String> result();

    /** Aborts the HTTP exchange; the result fails with kind CANCELLED. Idempotent. */
    void cancel(String reason);
  }

  /** Re-sends of a request whose pooled connection was already dead (closed by the client or the server). */
  static final int MAX_RESENDS = 4;

  /**
   * Starts {@code call}. An inline API key ({@link ModelCall#withApiKey}, for this client used on its
   * own) is refused over {@code http} beyond loopback, as a named endpoint's is at start: it would
   * cross the network in clear text.
   *
   * @throws IllegalArgumentException for such a call, before any connection is made
   */
  public InFlight start(ModelCall call, Runnable onChunk) {
    if (call.endpoint().isEmpty() && call.apiKey().isPresent() && ModelEndpoint.plaintextBeyondLoopback(call.baseUri())) {
      throw new IllegalArgumentException(call.where() + ": an inline API key would cross the network unencrypted; use https://,"
          + " or name the server in warden.llm.endpoints.<name> (with allow-plaintext-key = on if the network is trusted)");
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(call.uri())
        .header("Content-Type", "application/json")
        .header("Accept", call.api() == ModelApi.OPENAI_CHAT ? "text/event-stream" : "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body(call), StandardCharsets.UTF_8));
    call.apiKey().ifPresent(k -> req.header("Authorization", "Bearer " + k));
    HttpRequest request = req.build();
    StreamedCall c = new StreamedCall(call, onChunk, maxResponseChars, maxLineBytes);
    send(c, request, call, MAX_RESENDS);
    return c;
  }

  /**
   * Sends one exchange. The JDK client can hand out a pooled keep-alive connection that it has just
   * closed itself (after a cancelled exchange) and then fail the request with "connection closed
   * locally" before a byte of response arrives, or one the server closed while it was idle (the
   * request meets a broken pipe, or no response byte); such a request is sent again instead of
   * costing the attempt. The pool can hold several such connections at once (one
   * per recently cancelled exchange, e.g. a model's malformed answers failing three attempts in a
   * row) and each re-send meets at most one of them, so up to {@link #MAX_RESENDS} re-sends; one was
   * not always enough. Anything after response headers, a refused or timed-out connect, or a
   * cancelled call is reported as it is.
   */
  private void send(StreamedCall c, HttpRequest request, ModelCall call, int resendsLeft) {
    CompletableFuture<HttpResponse<Void>> exchange = http.sendAsync(request, c::handle);
    c.exchange = exchange;
    if (c.result.isDone()) {
      exchange.cancel(true); // cancelled while this (re)send was being set up
    }
    exchange.whenComplete((resp, err) -> {
      if (err == null) {
        return;
      }
      if (resendsLeft > 0 && !c.responded && !c.result.isDone() && closedUnderUs(err)) {
        send(c, request, call, resendsLeft - 1);
        return;
      }
      c.finish(new ModelCallException(ModelCallException.Kind.CONNECTION,
          "connection to " + call.where() + " failed: " + rootMessage(err), err));
    });
  }

  /**
   * Whether an exchange that failed before any response byte failed because its connection was
   * already dead: closed by the client itself, or closed by the server while it sat idle in the
   * pool (an idle-timeout close racing the reuse: the request meets a broken pipe or a reset, or
   * the server's close before any response byte). A refused connect or a timeout is not.
   */
  private static boolean closedUnderUs(Throwable err) {
    Throwable root = rootCause(err);
    if (!(root instanceof java.io.IOException) || root instanceof java.net.ConnectException
        || root instanceof java.net.http.HttpTimeoutException) {
      return false;
    }
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof java.nio.channels.ClosedChannelException || m.contains("closed locally")
          || m.contains("EOF reached while reading") || m.contains("header parser received no bytes")
          || m.contains("Broken pipe") || m.contains("Connection reset")) {
        return true;
      }
    }
    return false;
  }

  static String body(ModelCall call) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", call.model());
    root.put("stream", true);
    if (call.api() == ModelApi.OLLAMA_GENERATE) {
      root.put("prompt", call.prompt());
    } else {
      ArrayNode messages = root.putArray("messages");
      for (ChatMessage m : call.chatMessages()) {
        messages.addObject().put("role", m.role()).put("content", m.content());
      }
    }
    return root.toString();
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  static String rootMessage(Throwable t) {
    Throwable c = rootCause(t);
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
