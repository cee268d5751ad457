package dev.warden.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The node's Micrometer meters, one registry per actor system, scraped as Prometheus text by
 * {@code GET /metrics}. The meters read the figures the node already keeps for JMX (gauges and
 * function counters), so they hold no state of their own.
 *
 * <p>Whoever owns figures binds their meters under an owner name ({@code "ledger"}, {@code "llm"}, ...)
 * where it registers its MBean, and unbinds them where it unregisters it; binding again under the
 * same name (a restarted actor) replaces the meters that read the old actor's figures, as
 * {@code JmxRegistry.register} replaces a stale MBean. A host that keeps its own Micrometer registry
 * can add {@link #registry()} to a composite.
 */
public final class NodeMeters implements Extension {
  /** The content type of {@link #scrape()}: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final AbstractExtensionId<NodeMeters> ID =
      new AbstractExtensionId<>() {
        @Override
        public NodeMeters createExtension(ExtendedActorSystem system) {
          return new NodeMeters();
        }
      };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, MeterScope> owners = new LinkedHashMap<>();

  private NodeMeters() {}

  public static NodeMeters get(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Binds {@code owner}'s meters, replacing any it bound before. */
  public synchronized void bind(String owner, Consumer<MeterScope> binder) {
    unbind(owner);
    MeterScope scope = new MeterScope(registry);
    owners.put(owner, scope);
    binder.accept(scope);
  }

  /** Binds {@code owner}'s meters unless some are bound under that name (figures several kinds offer, like the journal's). */
  public synchronized void bindIfAbsent(String owner, Consumer<MeterScope> binder) {
    if (!owners.containsKey(owner)) {
      bind(owner, binder);
    }
  }

  /** Removes {@code owner}'s meters; nothing when it has none. */
  public synchronized void unbind(String owner) {
    MeterScope scope = owners.remove(owner);
    if (scope != null) {
      scope.close();
    }
  }

  public synchronized void unbindAll() {
    new ArrayList<>(owners.keySet()).forEach(this::unbind);
  }

  /** Owners with meters bound now, in binding order. */
  public synchronized List<String> owners() {
    return List.copyOf(owners.keySet());
  }

  /** Refreshes the families whose members come and go (job types, conversations, ...) and renders every meter. */
  public synchronized String scrape() {
    owners.values().forEach(MeterScope::refresh);
    return registry.scrape();
  }
}
