package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Misspelled keys under warden.* are reported with the nearest known key, or refused when strict. */
class UnknownKeysTest {
  @TempDir Path work;

  private static Config load(String conf) {
    return Warden.loadConfig(ConfigFactory.parseString(conf));
  }

  @Test
  void aMisspelledKeyIsFoundWithTheNearestKnownOne() {
    assertThat(UnknownKeys.find(load("warden.shutdown.kind-timout = 5s\nwarden.jmx.conector { port = 1 }")))
        .containsExactly(
            new UnknownKeys.Unknown("warden.jmx.conector", "warden.jmx.connector"),
            new UnknownKeys.Unknown("warden.shutdown.kind-timout", "warden.shutdown.kind-timeout"));
  }

  @Test
  void keysTheUserNamesAreNotReported() {
    System.setProperty("warden.home", "/opt/warden"); // the launcher's property, layered in with every -D
    ConfigFactory.invalidateCaches();
    try {
      Config c = load("warden.supervision.kinds.my-kind.max-restarts = 9\n"
          + "warden.config.user-named { \"warden.billing\" = on }\nwarden.billing.rate = 3");
      assertThat(UnknownKeys.find(c)).isEmpty();
    } finally {
      System.clearProperty("warden.home");
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void strictRefusesTheStartNamingTheKeyAndTheSuggestion() {
    assertThatThrownBy(
            () -> Warden.start(ConfigFactory.parseString(
                "warden.config.strict = on\nwarden.node-nmae = x\nwarden.data-dir = \"" + work + "\"")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageStartingWith("warden.node-nmae is not a known setting (did you mean warden.node-name?)")
        .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo("warden.node-nmae"));
  }

  @Test
  void withoutStrictEachUnknownKeyIsWarnedOnceAndTheNodeStarts() {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(UnknownKeys.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (Warden w = Warden.start(ConfigFactory.parseString(
        "warden.node-nmae = x\nwarden.jmx.enabled = off\nwarden.data-dir = \"" + work + "\""))) {
      assertThat(w.settings().nodeName()).isEqualTo("warden");
      assertThat(lines.list).extracting(e -> e.getFormattedMessage())
          .containsExactly("warden.node-nmae is not a known setting (did you mean warden.node-name?); it is ignored"
              + " (warden.config.strict = on refuses unknown keys)");
    } finally {
      logger.detachAppender(lines);
    }
  }
}
