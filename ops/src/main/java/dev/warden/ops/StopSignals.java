package dev.warden.ops;

import dev.warden.core.Warden;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop a {@code warden run} node cleanly and let it exit 0.
 *
 * <p>The JVM's own handler runs the shutdown hooks (Pekko's CoordinatedShutdown among them) and
 * then exits with 128 + the signal (143 for SIGTERM) whatever the hooks did, and
 * {@code pekko.coordinated-shutdown.exit-code} does not apply to a run started by the JVM's hook.
 * So the command takes the two signals itself: the first stops the node through
 * CoordinatedShutdown (kinds in order, final checkpoint), after which {@code warden run} returns
 * normally and the JVM exits 0 with every remaining shutdown hook run. A second signal during the
 * stop halts at once with 128 + the signal. Only the CLI does this: a library leaves its host's
 * signals alone.
 */
final class StopSignals {
  private StopSignals() {}

  /** Installs the handlers for {@code warden}; falls back to the JVM's (exit 143) if it cannot. */
  static void install(Warden warden) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), sig -> onSignal(warden, stopping, sig));
      } catch (IllegalArgumentException | LinkageError e) {
        LoggerFactory.getLogger(StopSignals.class)
            .warn("cannot handle SIG{} ({}); the JVM's default applies (exit {})", name, e.toString(), 128 + 15);
      }
    }
  }

  private static void onSignal(Warden warden, AtomicBoolean stopping, Signal sig) {
    if (!stopping.compareAndSet(false, true)) {
      Runtime.getRuntime().halt(128 + sig.getNumber());
    }
    LoggerFactory.getLogger(StopSignals.class).info("SIG{} received: stopping the node", sig.getName());
    warden.close(); // blocks this handler thread until the ActorSystem has terminated
  }
}
