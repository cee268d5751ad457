package dev.warden.workers.llm;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;

/** {@code warden.llm}, read once and validated; see the workers module's reference.conf. */
public record LlmSettings(
    String defaultClass,
    Map<String, TimeoutClass> classes,
    Map<String, String> conversations,
    Map<String, ModelEndpoint> endpoints,
    Retry retry,
    int maxRunningPerType,
    int defaultModelConcurrency,
    Map<String, Integer> modelConcurrency,
    Duration connectTimeout,
    int maxResponseChars,
    int maxLineBytes,
    int latencyWindow,
    int latencyMinSamples,
    double reapRateThreshold,
    int maxConversations,
    Duration idleThreshold,
    Duration checkInterval) {

  private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  /**
   * A timeout class: interactions of class {@code name} run as ledger job type {@code llm-<name>}.
   * {@code queueHeartbeatInterval}: how often an attempt waiting for a model permit heartbeats.
   */
  public record TimeoutClass(String name, Duration startToClose, Duration heartbeatTimeout, Duration queueHeartbeatInterval) {
    public String jobType() {
      return "llm-" + name;
    }
  }

  /** {@code maxRetryAfter}: the longest wait a server's Retry-After may impose before the next attempt. */
  public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter, Duration maxRetryAfter) {}

  public static LlmSettings create(ActorSystem<?> system) {
    return create(system.settings().config());
  }

  public static LlmSettings create(Config root) {
    ConfigReader c = ConfigReader.at(root, "warden.llm");
    if (c.has("starvation")) {
      throw new WardenConfigException(c.path("starvation"), c.path("starvation") + " was renamed " + c.path("idle")
          + " { threshold, check-interval }: the flag it set meant \"nothing submitted for the threshold\", not starved workers");
    }
    Duration heartbeat = c.positiveDuration("heartbeat-timeout");
    Optional<Duration> queueBeat = "auto".equals(c.config().getValue("queue-heartbeat-interval").unwrapped())
        ? Optional.empty() : Optional.of(c.positiveDuration("queue-heartbeat-interval"));
    Map<String, TimeoutClass> classes = new HashMap<>();
    ConfigReader cs = c.child("classes");
    for (String name : cs.config().root().keySet()) {
      if (!CLASS_NAME.matcher(name).matches()) {
        throw cs.bad(name, "timeout class names must match " + CLASS_NAME, null);
      }
      ConfigReader k = cs.child(name);
      Duration beat = k.has("heartbeat-timeout") ? k.positiveDuration("heartbeat-timeout") : heartbeat;
      if (queueBeat.isPresent() && queueBeat.get().compareTo(beat) >= 0) {
        WardenConfigException b = c.bad("queue-heartbeat-interval", "must be below the heartbeat timeout of class " + name
            + " (" + human(beat) + ")", null);
        throw new WardenConfigException(b.path(), b.getMessage()
            + "; lower it, or set it to auto (a quarter of each class's heartbeat timeout)");
      }
      classes.put(name, new TimeoutClass(name, k.positiveDuration("start-to-close"), beat,
          queueBeat.orElse(beat.dividedBy(4))));
    }
    if (classes.isEmpty()) {
      throw c.bad("classes", "must name at least one timeout class", null);
    }
    String defaultClass = c.nonEmptyString("default-class");
    if (!classes.containsKey(defaultClass)) {
      throw c.bad("default-class", "must be one of " + classes.keySet() + ", but was " + defaultClass, null);
    }
    Map<String, String> conversations = new HashMap<>();
    ConfigReader conv = c.child("conversations");
    for (Map.Entry<String, com.typesafe.config.ConfigValue> e : conv.config().root().entrySet()) {
      String cls = String.valueOf(e.getValue().unwrapped());
      if (!classes.containsKey(cls)) {
        throw conv.bad(e.getKey(), "must name a timeout class " + classes.keySet() + ", but was " + cls, null);
      }
      conversations.put(e.getKey(), cls);
    }
    Map<String, ModelEndpoint> endpoints = new HashMap<>();
    ConfigReader ep = c.child("endpoints");
    for (String name : ep.config().root().keySet()) {
      endpoints.put(name, ModelEndpoint.read(ep, name));
    }
    ConfigReader r = c.child("retry");
    Duration initial = r.nonNegativeDuration("initial-backoff");
    Duration max = r.nonNegativeDuration("max-backoff");
    if (max.compareTo(initial) < 0) {
      throw r.bad("max-backoff", "must be >= " + r.path("initial-backoff") + " (" + initial + ")", null);
    }
    Retry retry = new Retry(r.intAtLeast("max-attempts", 1), initial, max, r.doubleBetween("jitter", 0, 1),
        r.nonNegativeDuration("max-retry-after"));
    ConfigReader b = c.child("bulkhead");
    Map<String, Integer> models = new HashMap<>();
    ConfigReader m = b.child("models");
    for (String model : m.config().root().keySet()) {
      models.put(model, m.intAtLeast(com.typesafe.config.ConfigUtil.joinPath(model), 1));
    }
    ConfigReader cl = c.child("client");
    ConfigReader l = c.child("latency");
    int minSamples = l.intAtLeast("min-samples", 1);
    ConfigReader s = c.child("idle");
    return new LlmSettings(
        defaultClass,
        Map.copyOf(classes),
        Map.copyOf(conversations),
        Map.copyOf(endpoints),
        retry,
        c.intAtLeast("max-running-per-type", 1),
        b.intAtLeast("default-max-concurrency", 1),
        Map.copyOf(models),
        cl.positiveDuration("connect-timeout"),
        cl.intAtLeast("max-response-chars", 1),
        maxLineBytes(cl),
        l.intAtLeast("window", minSamples),
        minSamples,
        l.doubleBetween("reap-rate-threshold", 0, 1),
        l.intAtLeast("max-conversations", 1),
        s.positiveDuration("threshold"),
        s.positiveDuration("check-interval"));
  }

  private static int maxLineBytes(ConfigReader client) {
    long v = client.bytes("max-line-bytes");
    if (v < 1024 || v > (256L << 20)) {
      throw client.bad("max-line-bytes", "must be between 1KiB and 256MiB", null);
    }
    return (int) v;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** The timeout class of an interaction: its own, else its conversation's, else the default. */
  public TimeoutClass classFor(String conversation, Optional<String> own) {
    String name = own.orElseGet(() -> conversations.getOrDefault(conversation, defaultClass));
    TimeoutClass t = classes.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown timeout class [" + name + "]; configured under warden.llm.classes: " + classes.keySet());
    }
    return t;
  }

  /** Permits of model {@code model}: its own limit, else the default. */
  public int concurrencyOf(String model) {
    return modelConcurrency.getOrDefault(model, defaultModelConcurrency);
  }
}
