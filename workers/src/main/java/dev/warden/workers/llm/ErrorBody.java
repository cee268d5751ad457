package dev.warden.workers.llm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Reads at most {@link ModelClient#MAX_ERROR_BODY_BYTES} of an error response's body, for at most
 * {@link #MAX_WAIT}, then fails the call with it: a server that answers 503 and never ends the body
 * fails the attempt then (and its Retry-After applies), not at the heartbeat timeout.
 */
final class ErrorBody implements Flow.Subscriber<List<ByteBuffer>> {
  /** How long an error response's body may take before the call fails with what came of it. */
  static final Duration MAX_WAIT = Duration.ofSeconds(5);

  private final int status;
  private final String said;
  private final Duration retryAfter;
  private final java.util.function.Consumer<ModelCallException> fail;
  private final String secret;
  private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
  private Flow.Subscription subscription;
  private boolean reported;

  /** {@code secret}: the call's API key (null for none), never quoted even when the server echoes it. */
  ErrorBody(int status, String said, Duration retryAfter, String secret, java.util.function.Consumer<ModelCallException> fail) {
    this.status = status;
    this.secret = secret;
    this.said = said;
    this.retryAfter = retryAfter;
    this.fail = fail;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    java.util.concurrent.CompletableFuture.delayedExecutor(MAX_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .execute(this::timeUp);
    s.request(1);
  }

  private void timeUp() {
    if (report(" (body not ended within " + MAX_WAIT.toSeconds() + " s)")) {
      subscription.cancel();
    }
  }

  @Override
  public synchronized void onNext(List<ByteBuffer> buffers) {
    if (reported) {
      return;
    }
    for (ByteBuffer b : buffers) {
      byte[] part = new byte[Math.min(b.remaining(), ModelClient.MAX_ERROR_BODY_BYTES - body.size())];
      b.get(part); // the client's buffers may be direct or read-only: no array() here
      body.write(part, 0, part.length);
    }
    if (body.size() >= ModelClient.MAX_ERROR_BODY_BYTES) {
      report(" (body cut at " + ModelClient.MAX_ERROR_BODY_BYTES + " bytes)");
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

  /** Fails the call with the body read so far, once; true if this call did. */
  private boolean report(String cut) {
    String text;
    synchronized (this) {
      if (reported) {
        return false;
      }
      reported = true;
      text = new String(body.toByteArray(), StandardCharsets.UTF_8);
    }
    fail.accept(ModelCallException.httpStatus(status, "HTTP " + status + " from model server: " + StreamParser.snippet(text, secret) + cut + said,
        retryAfter));
    return true;
  }
}
