package dev.warden.core.metrics;

import dev.warden.core.KindMetrics;
import dev.warden.core.tree.NodeState;
import dev.warden.core.tree.SupervisorTree;
import dev.warden.core.tree.TreeNode;
import io.micrometer.core.instrument.Tags;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * What each kind's MBean shows, as meters: its state, restarts and uptime from the supervisor tree
 * ({@code warden_kind_state{kind,state}}, {@code warden_kind_restarts_total{kind}},
 * {@code warden_kind_uptime_seconds{kind}}), and its {@link KindMetrics} under the kind's name:
 * counter {@code brakes} of kind {@code trial} is {@code warden_trial_brakes_total}, gauge
 * {@code reaper.last-run-epoch-ms} of kind {@code ledger} is
 * {@code warden_ledger_reaper_last_run_timestamp_seconds} (a {@code -ms} suffix becomes seconds, {@code -epoch-ms}
 * a {@code _timestamp_seconds} since the epoch, as Prometheus names them). A gauge of one part of
 * several ({@link KindMetrics#instanceGauge}) is a label: worker {@code worker-2}'s {@code rss-bytes} is
 * {@code warden_trial_rss_bytes{worker="worker-2"}}.
 */
public final class KindMeters {
  private KindMeters() {}

  /** A binder for {@link NodeMeters#bind} covering one kind at tree path {@code path}. */
  public static Consumer<MeterScope> of(String kind, String path, SupervisorTree tree, KindMetrics metrics) {
    return scope -> {
      Tags tags = Tags.of("kind", kind);
      for (NodeState s : NodeState.values()) {
        scope.gauge("warden.kind.state", "1 for the state the kind's supervisor is in, 0 for the others", null,
            tags.and("state", s.name().toLowerCase(Locale.ROOT)),
            () -> tree.node(path).map(TreeNode::state).orElse(NodeState.STOPPED) == s ? 1 : 0);
      }
      scope.counter("warden.kind.restarts", "Restarts of the kind's root counted by its supervisor", null, tags,
          () -> tree.node(path).map(TreeNode::getRestartCount).orElse(0L));
      scope.gauge("warden.kind.uptime", "Time since the kind's root last started", "seconds", tags,
          () -> tree.node(path).map(TreeNode::getUptimeMillis).orElse(0L) / 1000.0);
      scope.onScrape(() -> figures(scope, kind, metrics));
      figures(scope, kind, metrics);
    };
  }

  /** Adds a meter for each of the kind's figures not seen before (kinds create counters on first use). */
  private static void figures(MeterScope scope, String kind, KindMetrics metrics) {
    for (String name : metrics.counterNames()) {
      scope.counter("warden." + kind + "." + name, "Kind " + kind + "'s counter [" + name + "] (as on JMX)", null,
          Tags.empty(), () -> read(metrics, name, 1));
    }
    for (String name : metrics.gaugeNames()) {
      KindMetrics.Instance part = metrics.instance(name);
      String figure = part == null ? name : part.figure();
      boolean millis = figure.endsWith("-ms");
      String base = !millis ? figure
          : figure.endsWith("-epoch-ms") ? figure.substring(0, figure.length() - 9) + "-timestamp"
          : figure.substring(0, figure.length() - 3);
      Tags tags = part == null ? Tags.empty() : Tags.of(part.label(), part.instance());
      String shown = part == null ? "[" + name + "]" : "[<" + part.label() + ">." + figure + "]";
      scope.gauge("warden." + kind + "." + base, "Kind " + kind + "'s gauge " + shown + " (as on JMX"
          + (millis ? ", in seconds)" : ")"), millis ? "seconds" : null, tags,
          () -> read(metrics, name, millis ? 1000 : 1));
    }
  }

  private static double read(KindMetrics metrics, String name, double divisor) {
    OptionalLong v = metrics.value(name);
    return v.isPresent() ? v.getAsLong() / divisor : Double.NaN;
  }
}
