package dev.warden.persistence.checkpoint;

import dev.warden.core.metrics.MeterScope;
import io.micrometer.core.instrument.Tags;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The checkpointer's duration figures as meters: {@code warden_checkpoint_duration_seconds{quantile}}
 * (0.5, 0.95 and 1 = max over the last {@code warden.persistence.checkpoint.window} checkpoints), read
 * from what the checkpointer publishes for JMX. Counts and the last duration come with the kind's
 * counters ({@code warden_checkpointer_*}).
 */
final class CheckpointerMeters {
  private CheckpointerMeters() {}

  public static Consumer<MeterScope> of(CheckpointerMBean mbean) {
    return scope -> {
      quantile(scope, mbean, "0.5", f -> f.window().p50Millis());
      quantile(scope, mbean, "0.95", f -> f.window().p95Millis());
      quantile(scope, mbean, "1", f -> f.window().maxMillis());
    };
  }

  private static void quantile(MeterScope scope, CheckpointerMBean mbean, String q,
      ToLongFunction<CheckpointerMBean.Figures> figure) {
    scope.gauge("warden.checkpoint.duration", "Checkpoint duration over the last warden.persistence.checkpoint.window"
        + " checkpoints, nearest-rank quantile (1 = max)", "seconds", Tags.of("quantile", q),
        () -> figure.applyAsLong(mbean.figures()) / 1000.0);
  }
}
