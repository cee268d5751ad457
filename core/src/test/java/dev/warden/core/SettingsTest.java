package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.supervision.SupervisionSettings;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "warden.supervision.default.max-restarts = -1 | warden.supervision.default.max-restarts | -1",
        "warden.supervision.default.within = 0s | warden.supervision.default.within | 0s",
        "warden.supervision.default.within = soon | warden.supervision.default.within | soon",
        "warden.supervision.default.backoff.random-factor = 2 | warden.supervision.default.backoff.random-factor | 2",
        "warden.supervision.default.backoff.max = 1ms | warden.supervision.default.backoff.max | 1ms",
        "warden.supervision.kinds.faulty.max-restarts = lots | warden.supervision.kinds.faulty.max-restarts | lots",
        "warden.shutdown.kind-timeout = -5s | warden.shutdown.kind-timeout | -5s",
        "warden.jmx.connector.port = 70000 | warden.jmx.connector.port | 70000",
        "warden.jmx.enabled = maybe | warden.jmx.enabled | maybe",
        "warden.node-name = \"a b\" | warden.node-name | a b",
      })
  void invalidValueFailsStartWithKeyPathAndValue(String override, String path, String shown) {
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(override), Counter.kind("faulty")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining(path)
        .hasMessageContaining("but was " + shown)
        .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo(path));
  }

  @Test
  void perKindSupervisionFallsBackToTheDefault() {
    WardenSettings s =
        WardenSettings.create(
            Warden.loadConfig(
                ConfigFactory.parseString(
                    "warden.supervision.default.max-restarts = 4\nwarden.supervision.kinds.llm.within = 1m")));
    SupervisionSettings llm = s.supervisionFor("llm");
    assertThat(llm.maxRestarts()).isEqualTo(4);
    assertThat(llm.within()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.supervisionFor("other").within()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void systemPropertiesOverrideTheGivenConfig() {
    System.setProperty("warden.node-name", "from-sysprop");
    ConfigFactory.invalidateCaches();
    try {
      assertThat(WardenSettings.create(Warden.loadConfig(ConfigFactory.parseString("warden.node-name = given"))).nodeName())
          .isEqualTo("from-sysprop");
    } finally {
      System.clearProperty("warden.node-name");
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void duplicateKindNamesAreRejected() {
    assertThatThrownBy(() -> Warden.start(ConfigFactory.empty(), Counter.kind("same"), Counter.kind("same")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[same] registered twice");
  }
}
