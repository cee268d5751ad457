package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {

  private static LlmSettings with(String conf) {
    return LlmSettings.create(Warden.loadConfig(ConfigFactory.parseString(conf)));
  }

  @Test
  void responseLinesAreBoundedByDefaultAndTheBoundIsConfigurable() {
    assertThat(with("").maxLineBytes()).isEqualTo(4 << 20);
    assertThat(with("warden.llm.client.max-line-bytes = 64KiB").maxLineBytes()).isEqualTo(64 * 1024);
  }

  @Test
  void anUnusableLineBoundNamesTheKeyAndTheValue() {
    assertThatThrownBy(() -> with("warden.llm.client.max-line-bytes = 100"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessage("warden.llm.client.max-line-bytes must be between 1KiB and 256MiB, but was 100");
    assertThatThrownBy(() -> with("warden.llm.client.max-line-bytes = lots"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageStartingWith("warden.llm.client.max-line-bytes must be a size");
  }
}
