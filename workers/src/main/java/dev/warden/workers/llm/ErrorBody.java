package dev.warden.workers.llm;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;

/** Reads at most {@link ModelClient#MAX_ERROR_BODY_BYTES} of an error response's body, then fails the call with it. */
final class ErrorBody implements Flow.Subscriber<List<ByteBuffer>> {
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
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
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

  private void report(String cut) {
    if (!reported) {
      reported = true;
      String text = new String(body.toByteArray(), StandardCharsets.UTF_8);
      fail.accept(ModelCallException.httpStatus(status, "HTTP " + status + " from model server: " + StreamParser.snippet(text, secret) + cut + said,
          retryAfter));
    }
  }
}
