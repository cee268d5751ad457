package dev.warden.workers.llm;

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
 * The body subscriber of one call: splits the bytes into lines (LF, CRLF or a lone CR, as SSE
 * allows; each at most {@code maxLineBytes}), parses them, accumulates the text, and completes or
 * fails once. An answer longer than {@code maxChars} fails the call as soon as it passes the bound:
 * the rest of the buffer at hand is dropped and the response closed (a server that streams for ever
 * does not hold the connection and the attempt until its deadline).
 */
final class StreamedCall implements ModelClient.InFlight, Flow.Subscriber<List<ByteBuffer>> {
  private static final int INITIAL_LINE = 1024;
  /**
   * Bytes read and dropped after the final chunk, so that a well-behaved server's connection goes
   * back to the pool; a server that streams on past its end (one sent 1 GB in 2 s after its
   * {@code [DONE]}) has its connection closed at this bound instead of being read for ever.
   */
  static final int MAX_BYTES_AFTER_DONE = 64 * 1024;
  /**
   * How long the end of the body may take after the final chunk (a well-behaved server ends it at
   * once); one that keeps the response open has its connection closed then instead of holding it
   * (a socket and the exchange) for good, one per call.
   */
  static final Duration MAX_WAIT_AFTER_DONE = Duration.ofSeconds(2);
  /** The key that bounds an answer's characters, named by the failure of an answer past it. */
  static final String MAX_RESPONSE_CHARS_KEY = "warden.llm.client.max-response-chars";
  private final StreamParser parser;
  /** Where the call goes ({@link ModelCall#where()}), leading every failure's message. */
  private final String where;
  /** The call's API key, null for none: never in a failure's message, even when a server echoes it. */
  private final String secret;
  private volatile String contentType = "";
  private final Runnable onChunk;
  private final int maxChars;
  private final int maxLineBytes;
  final CompletableFuture<String> result = new CompletableFuture<>();
  private final StringBuilder text = new StringBuilder();
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  volatile CompletableFuture<HttpResponse<Void>> exchange;
  volatile boolean responded;
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
  /** Reports bytes that are not UTF-8 (JSON is UTF-8) instead of turning them into U+FFFD in the answer. */
  private final java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
  private long afterDone;

  StreamedCall(ModelCall call, Runnable onChunk, int maxChars, int maxLineBytes) {
    this.where = call.where();
    this.secret = call.apiKey().orElse(null);
    this.parser = StreamParser.forApi(call.api(), secret);
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
      String said = header.map(h -> " (Retry-After: " + StreamParser.snippet(h, secret) + ")").orElse("")
          + (status >= 300 && status < 400 ? redirect(info) : "");
      return HttpResponse.BodySubscribers.fromSubscriber(new ErrorBody(status, said, retryAfter, secret, e -> {
        bodyRead = true; // whole or cut: the error body's own subscription decided about the connection
        fail(e);
      }));
    }
    contentType = info.headers().firstValue("Content-Type").orElse("");
    return HttpResponse.BodySubscribers.fromSubscriber(this);
  }

  /**
   * What a redirect answer says: the client never follows one (the JDK client's default policy,
   * NEVER), so the API key is never sent to another origin, nor the request to an address nobody
   * configured; the endpoint's url must name the server that answers.
   */
  private String redirect(HttpResponse.ResponseInfo info) {
    String to = info.headers().firstValue("Location").map(l -> StreamParser.snippet(ModelEndpoint.redacted(l), secret))
        .orElse("none");
    return " (Location: " + to + "; redirects are not followed, so the API key never goes elsewhere: set the url to the"
        + " server that answers)";
  }

  @Override
  public CompletableFuture<String> result() {
    return result;
  }

  @Override
  public void cancel(String reason) {
    finish(new ModelCallException(ModelCallException.Kind.CANCELLED, "cancelled: " + reason));
  }

  /**
   * Fails the call with {@code e}, its message led by where the call went and, for a malformed
   * answer, followed by an unexpected Content-Type (an HTML error page is the usual one).
   */
  void fail(ModelCallException e) {
    String type = contentType.toLowerCase(java.util.Locale.ROOT);
    boolean odd = e.kind() == ModelCallException.Kind.MALFORMED_RESPONSE && !type.isEmpty()
        && !(type.contains("json") || type.contains("event-stream"));
    finish(e.withMessage(where + ": " + e.getMessage() + (odd ? " (Content-Type: " + StreamParser.snippet(contentType, secret) + ")" : "")));
  }

  /**
   * Fails the call with {@code e}, whose message already says where; the key never in it, nor a
   * control character a server sent (they could forge log lines).
   */
  void finish(ModelCallException e) {
    String m = String.valueOf(e.getMessage());
    String safe = StreamParser.printable(secret == null ? m : m.replace(secret, StreamParser.REDACTED));
    if (result.completeExceptionally(safe.equals(m) ? e : e.withMessage(safe)) && !bodyRead) {
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
    for (ByteBuffer b : buffers) {
      if (!done && !scan(b)) {
        return;
      }
      afterDone += b.remaining(); // after the final chunk the rest of the body is dropped, so the connection stays usable
    }
    if (afterDone > MAX_BYTES_AFTER_DONE) {
      subscription.get().cancel(); // closes the connection: the answer is whole, what a server streams past it is not read
      return;
    }
    subscription.get().request(1);
  }

  /** Splits {@code b} into lines until it is used up or the final chunk came; false once the call failed. */
  private boolean scan(ByteBuffer b) {
    while (b.hasRemaining() && !done) {
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
          return false;
        }
      } else if (!append(x)) {
        return false;
      }
    }
    return true;
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
    String s;
    try {
      s = utf8.reset().decode(ByteBuffer.wrap(line, 0, lineLength)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      fail(new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE, "response line " + (lineNo + 1)
          + " is not valid UTF-8: " + StreamParser.snippet(new String(line, 0, lineLength, StandardCharsets.UTF_8), secret)));
      return false;
    }
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
      if (step.fragment().length() > maxChars - text.length()) {
        // fail() cancels the subscription and aborts the exchange: nothing past this buffer is read
        fail(new ModelCallException(ModelCallException.Kind.RESPONSE_TOO_LONG, "the answer passed " + maxChars
            + " characters at response line " + lineNo + "; the response was closed there, not read further; raise "
            + MAX_RESPONSE_CHARS_KEY + " if answers this long are expected"));
        return false;
      }
      text.append(step.fragment());
      if (step.done()) {
        done = true;
        result.complete(text.toString());
        CompletableFuture.delayedExecutor(MAX_WAIT_AFTER_DONE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            .execute(this::closeUnlessEnded);
      }
      return true;
    } catch (ModelCallException e) {
      fail(e);
      return false;
    }
  }

  /** Closes the connection of a response that did not end {@link #MAX_WAIT_AFTER_DONE} after its final chunk. */
  private void closeUnlessEnded() {
    Flow.Subscription s = subscription.get();
    if (!bodyRead && s != null) {
      s.cancel();
    }
  }

  @Override
  public void onError(Throwable t) {
    bodyRead = true;
    fail(new ModelCallException(ModelCallException.Kind.CONNECTION,
        "response stream broke after " + lineNo + " line(s): " + ModelClient.rootMessage(t), t));
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
