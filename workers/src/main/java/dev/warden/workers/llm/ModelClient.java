package dev.warden.workers.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Async, streaming, cancellable model calls over {@code java.net.http}. Every streamed chunk calls
 * {@code onChunk} (the caller turns it into a heartbeat); the result completes with the whole text,
 * or fails with a {@link ModelCallException} saying what went wrong and where. {@link InFlight#cancel}
 * really aborts the HTTP exchange. The text kept per call is bounded.
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
   * @param maxResponseChars text kept per call; the rest of the stream is read but dropped
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

  public InFlight start(ModelCall call, Runnable onChunk) {
    HttpRequest.Builder req = HttpRequest.newBuilder(call.uri())
        .header("Content-Type", "application/json")
        .header("Accept", call.api() == ModelApi.OPENAI_CHAT ? "text/event-stream" : "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(body(call), StandardCharsets.UTF_8));
    call.apiKey().ifPresent(k -> req.header("Authorization", "Bearer " + k));
    HttpRequest request = req.build();
    Call c = new Call(StreamParser.forApi(call.api()), onChunk, maxResponseChars, maxLineBytes);
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
  private void send(Call c, HttpRequest request, ModelCall call, int resendsLeft) {
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
      c.fail(new ModelCallException(ModelCallException.Kind.CONNECTION,
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

  private static String rootMessage(Throwable t) {
    Throwable c = rootCause(t);
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  /**
   * The body subscriber of one call: splits the bytes into lines (LF, CRLF or a lone CR, as SSE
   * allows; each at most {@code maxLineBytes}), parses them, accumulates the text (bounded), and
   * completes or fails once.
   */
  private static final class Call implements InFlight, Flow.Subscriber<List<ByteBuffer>> {
    private static final int INITIAL_LINE = 1024;
    private final StreamParser parser;
    private final Runnable onChunk;
    private final int maxChars;
    private final int maxLineBytes;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile CompletableFuture<HttpResponse<Void>> exchange;
    private volatile boolean responded;
    /**
     * The whole body was read (or the stream broke): the JDK may already have put the connection
     * back in its pool, so failing the call then must not cancel the exchange; that would close a
     * pooled connection under the next request ("connection closed locally").
     */
    private volatile boolean bodyRead;
    private byte[] line = new byte[INITIAL_LINE];
    private int lineLength;
    private boolean afterCr;
    private long lineNo;
    private boolean done;

    Call(StreamParser parser, Runnable onChunk, int maxChars, int maxLineBytes) {
      this.parser = parser;
      this.onChunk = onChunk;
      this.maxChars = maxChars;
      this.maxLineBytes = maxLineBytes;
    }

    HttpResponse.BodySubscriber<Void> handle(HttpResponse.ResponseInfo info) {
      responded = true;
      if (info.statusCode() != 200) {
        int status = info.statusCode();
        Optional<String> header = status == 429 || status == 503 ? info.headers().firstValue("Retry-After") : Optional.empty();
        Duration retryAfter = header.flatMap(h -> RetryAfterHeader.parse(h, Instant.now())).orElse(Duration.ZERO);
        String said = header.map(h -> " (Retry-After: " + StreamParser.snippet(h) + ")").orElse("");
        return HttpResponse.BodySubscribers.fromSubscriber(new ErrorBody(status, said, retryAfter, e -> {
          bodyRead = true; // whole or cut: the error body's own subscription decided about the connection
          fail(e);
        }));
      }
      return HttpResponse.BodySubscribers.fromSubscriber(this);
    }

    @Override
    public CompletableFuture<String> result() {
      return result;
    }

    @Override
    public void cancel(String reason) {
      fail(new ModelCallException(ModelCallException.Kind.CANCELLED, "cancelled: " + reason));
    }

    void fail(ModelCallException e) {
      if (result.completeExceptionally(e) && !bodyRead) {
        Flow.Subscription s = subscription.get();
        if (s != null) {
          s.cancel();
        }
        CompletableFuture<HttpResponse<Void>> x = exchange;
        if (x != null) {
          x.cancel(true);
        }
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      if (result.isCompletedExceptionally()) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isCompletedExceptionally()) {
        return;
      }
      if (!done) { // after the final chunk the rest of the body is read and dropped, so the connection stays usable
        for (ByteBuffer b : buffers) {
          while (b.hasRemaining()) {
            byte x = b.get();
            if (afterCr) {
              afterCr = false;
              if (x == '\n') {
                continue; // CRLF: the line already ended at the CR
              }
            }
            if (x == '\n' || x == '\r') {
              afterCr = x == '\r';
              if (!endLine()) {
                return;
              }
            } else if (!append(x)) {
              return;
            }
          }
        }
      }
      subscription.get().request(1);
    }

    private boolean append(byte x) {
      if (lineLength == line.length) {
        if (lineLength >= maxLineBytes) {
          fail(new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
              "response line " + (lineNo + 1) + " is longer than " + maxLineBytes + " bytes; not read further"));
          return false;
        }
        line = java.util.Arrays.copyOf(line, (int) Math.min(maxLineBytes, 2L * line.length));
      }
      line[lineLength++] = x;
      return true;
    }

    /** Parses the line collected so far; false once the call failed. */
    private boolean endLine() {
      String s = new String(line, 0, lineLength, StandardCharsets.UTF_8);
      lineLength = 0;
      if (line.length > INITIAL_LINE) {
        line = new byte[INITIAL_LINE]; // one long line does not keep a large buffer for the rest of the call
      }
      lineNo++;
      try {
        StreamParser.Step step = parser.parse(s, lineNo);
        if (step.chunk()) {
          onChunk.run();
        }
        if (text.length() < maxChars) {
          text.append(step.fragment(), 0, Math.min(step.fragment().length(), maxChars - text.length()));
        }
        if (step.done()) {
          done = true;
          result.complete(text.toString());
        }
        return true;
      } catch (ModelCallException e) {
        fail(e);
        return false;
      }
    }

    @Override
    public void onError(Throwable t) {
      bodyRead = true;
      fail(new ModelCallException(ModelCallException.Kind.CONNECTION,
          "response stream broke after " + lineNo + " line(s): " + rootMessage(t), t));
    }

    @Override
    public void onComplete() {
      bodyRead = true;
      if (!done && lineLength > 0 && !endLine()) {
        return; // a last line without a line break is still a line
      }
      if (!done && parser.finishedAtEnd()) {
        done = true; // a stream that said it finished and then ended without its [DONE] marker
        result.complete(text.toString());
      }
      if (!done) {
        fail(new ModelCallException(ModelCallException.Kind.STREAM_ENDED_EARLY,
            "response stream ended after " + lineNo + " line(s) without a final done chunk"));
      }
    }
  }

  /** Reads at most {@link #MAX_ERROR_BODY_BYTES} of an error response's body, then fails the call with it. */
  private static final class ErrorBody implements Flow.Subscriber<List<ByteBuffer>> {
    private final int status;
    private final String said;
    private final Duration retryAfter;
    private final java.util.function.Consumer<ModelCallException> fail;
    private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private boolean reported;

    ErrorBody(int status, String said, Duration retryAfter, java.util.function.Consumer<ModelCallException> fail) {
      this.status = status;
      this.said = said;
      this.retryAfter = retryAfter;
      this.fail = fail;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer b : buffers) {
        byte[] part = new byte[Math.min(b.remaining(), MAX_ERROR_BODY_BYTES - body.size())];
        b.get(part); // the client's buffers may be direct or read-only: no array() here
        body.write(part, 0, part.length);
      }
      if (body.size() >= MAX_ERROR_BODY_BYTES) {
        report(" (body cut at " + MAX_ERROR_BODY_BYTES + " bytes)");
        subscription.cancel();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      report("");
    }

    @Override
    public void onComplete() {
      report("");
    }

    private void report(String cut) {
      if (!reported) {
        reported = true;
        String text = new String(body.toByteArray(), StandardCharsets.UTF_8);
        fail.accept(ModelCallException.httpStatus(status, "HTTP " + status + " from model server: " + StreamParser.snippet(text) + cut + said,
            retryAfter));
      }
    }
  }
}
