package dev.warden.core;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The build runs many test classes in one JVM (surefire's reused forks), so a class must leave the
 * JVM as it found it: every actor system it started terminated, every Warden MBean unregistered.
 * Registered for every test class of core, persistence and workers (META-INF/services, with
 * junit.jupiter.extensions.autodetection.enabled): after a class's last {@code @AfterAll}, waits up to
 * 15 s ({@link #GRACE_KEY}) for what the class started to go, then fails the class naming what it left. Without
 * it, a leftover node shows up later as another class's failure (a name or MBean already taken, a
 * timer firing into a clock it no longer owns), in whichever class the fork happened to run next.
 */
public final class LeakGuard implements BeforeAllCallback, AfterAllCallback {
  /** How long a class's actor systems may take to terminate after its last test; a JUnit configuration parameter. */
  static final String GRACE_KEY = "dev.warden.leak-guard.grace-ms";
  private static final Duration GRACE = Duration.ofSeconds(15);
  /** Pekko names each actor system's scheduler thread after the system. */
  private static final Pattern SCHEDULER = Pattern.compile("(.+)-scheduler-\\d+");
  private static final ObjectName WARDEN_MBEANS = name("dev.warden:*");

  /** {@code pattern} as an ObjectName (a literal known to be well-formed). */
  static ObjectName name(String pattern) {
    try {
      return new ObjectName(pattern);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext ctx) {
    store(ctx).put("before", snapshot());
  }

  @Override
  public void afterAll(ExtensionContext ctx) {
    @SuppressWarnings("unchecked")
    Set<String> before = store(ctx).get("before", Set.class);
    if (before == null) {
      return;
    }
    Duration grace = ctx.getConfigurationParameter(GRACE_KEY).map(ms -> Duration.ofMillis(Long.parseLong(ms))).orElse(GRACE);
    Set<String> left = new TreeSet<>();
    try {
      Awaitility.await().atMost(grace).pollInterval(Duration.ofMillis(50)).until(() -> {
        left.clear();
        left.addAll(snapshot());
        left.removeAll(before);
        return left.isEmpty();
      });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(ctx.getRequiredTestClass().getSimpleName() + " left running after its last test (" + grace.toMillis()
          + " ms later; the next class in this JVM would inherit them): " + left, e);
    }
  }

  /** The actor systems (by scheduler thread) and Warden MBeans alive now. */
  private static Set<String> snapshot() {
    Set<String> alive = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      var m = SCHEDULER.matcher(t.getName());
      if (t.isAlive() && m.matches()) {
        alive.add("actor system " + m.group(1));
      }
    }
    for (ObjectName n : ManagementFactory.getPlatformMBeanServer().queryNames(WARDEN_MBEANS, null)) {
      alive.add("MBean " + n);
    }
    return alive;
  }

  private static ExtensionContext.Store store(ExtensionContext ctx) {
    return ctx.getStore(ExtensionContext.Namespace.create(LeakGuard.class, ctx.getRequiredTestClass()));
  }
}
