package dev.warden.core.supervision;

import dev.warden.core.RateLimitedLog;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a {@link Supervisor} logs about its child, after OTP's supervisor reports: who supervised,
 * which child, of which kind, why, and how often. A crash loop is rate-limited (ten reports a
 * second, the stack trace once per window); dropped messages one line per ten seconds.
 */
final class SupervisorReports {
  private final ActorContext<?> ctx;
  private final ChildSpec<?> spec;
  private final RateLimitedLog crashes;
  private final RateLimitedLog deadLetters;

  SupervisorReports(ActorContext<?> ctx, ChildSpec<?> spec) {
    this.ctx = ctx;
    this.spec = spec;
    this.deadLetters = new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(10));
    this.crashes = new RateLimitedLog(ctx.getLog(), Duration.ofSeconds(1), 10);
  }

  static String describe(Throwable t) {
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  /** The child crashed and restarts: restart number {@code restart}, {@code crash.inWindow()} within the window. */
  void crashed(String child, long restart, CrashWatcher.Crashed crash) {
    if (crash.outage()) {
      crashes.warn(
          "SUPERVISOR REPORT supervisor=[{}] child=[{}] kind=[{}] cause=[{}] restart=[{}] (an outage of what it depends on:"
              + " restarted with backoff up to {}, not counted towards max-restarts)",
          spec.path(), child, spec.kind(), describe(crash.cause()), restart, spec.settings().maxBackoff());
      return;
    }
    crashes.warn(
        "SUPERVISOR REPORT supervisor=[{}] child=[{}] kind=[{}] cause=[{}] restart=[{}] ({} within {})",
        spec.path(),
        child,
        spec.kind(),
        describe(crash.cause()),
        restart,
        crash.inWindow(),
        spec.settings().within(),
        // the stack trace once per window: a crash loop repeats the same one
        crash.inWindow() == 1 ? crash.cause() : null);
  }

  /** The child failed for good after {@code count} crashes within the window. */
  void degraded(int count, Throwable cause) {
    ctx.getLog()
        .error(
            "kind [{}] DEGRADED: supervisor [{}] saw [{}] crashes within [{}], more than max-restarts [{}];"
                + " child parked, siblings keep running; last cause: {}",
            spec.kind(),
            spec.path(),
            count,
            spec.settings().within(),
            spec.settings().maxRestarts(),
            describe(cause),
            cause);
  }

  /** A message for the child went to dead letters because the child is {@code state}. */
  void dropped(Object msg, String state) {
    deadLetters.warn(
        "supervisor [{}] dropped a [{}] to dead letters: child is {}", spec.path(), msg.getClass().getSimpleName(), state);
  }

  void stoppedByItself(String child) {
    ctx.getLog().info("supervisor [{}] child [{}] stopped by itself", spec.path(), child);
  }

  void restartRequested() {
    ctx.getLog().info("supervisor [{}] restart requested by operator", spec.path());
  }

  void stopTimedOut(String child) {
    ctx.getLog().warn("supervisor [{}] child [{}] did not stop within its timeout; stopping it now", spec.path(), child);
  }
}
