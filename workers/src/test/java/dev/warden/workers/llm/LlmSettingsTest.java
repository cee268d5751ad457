package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmSettingsTest {
  @TempDir Path dir;

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

  @Test
  void aClassWithAHeartbeatTimeoutUnderFiveSecondsStartsWithoutTouchingAnotherKey() {
    LlmSettings s = with("warden.llm.classes.quick { start-to-close = 10s, heartbeat-timeout = 2s }");
    assertThat(s.classes().get("quick").queueHeartbeatInterval()).as("auto: a quarter of the class's heartbeat timeout")
        .isEqualTo(Duration.ofMillis(500));
    assertThat(s.classes().get("normal").queueHeartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void aQueueHeartbeatNotBelowAClassHeartbeatTimeoutSaysOnceWhatItWasAndWhichKeyToChange() {
    assertThatThrownBy(() -> with("warden.llm.queue-heartbeat-interval = 5s\n"
        + "warden.llm.classes.quick { start-to-close = 10s, heartbeat-timeout = 2s }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessage("warden.llm.queue-heartbeat-interval must be below the heartbeat timeout of class quick (2s), but was 5s;"
            + " lower it, or set it to auto (a quarter of each class's heartbeat timeout)");
  }

  @Test
  void theOldStarvationSectionIsRefusedWithItsNewName() {
    assertThatThrownBy(() -> with("warden.llm.starvation.idle-threshold = 1m"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageStartingWith("warden.llm.starvation was renamed warden.llm.idle { threshold, check-interval }");
    assertThat(with("warden.llm.idle.threshold = 1m").idleThreshold()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void anEndpointReadsItsKeyFromAnOwnerOnlyFileAndNeverHoldsIt() throws Exception {
    Path key = dir.resolve("key");
    Files.writeString(key, "sk-file-123\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    LlmSettings s = with("warden.llm.endpoints.hosted { url = \"https://models.example\", api = openai, api-key-file = \"" + key + "\" }");
    ModelEndpoint e = s.endpoints().get("hosted");
    assertThat(e.apiKey()).contains("sk-file-123");
    assertThat(e.apiFor(false)).isEqualTo(ModelApi.OPENAI_CHAT);
    assertThat(e.toString() + s).doesNotContain("sk-file-123");
  }

  @Test
  void aKeyFileOthersCanReadIsRefusedAtStartSayingHowToFixIt() throws Exception {
    Path key = dir.resolve("key");
    Files.writeString(key, "sk-open-456\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> with("warden.llm.endpoints.hosted { url = \"https://models.example\", api = openai, api-key-file = \"" + key + "\" }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.llm.endpoints.hosted.api-key-file")
        .hasMessageContaining("accessible by others than its owner")
        .hasMessageContaining("chmod 600 " + key)
        .satisfies(t -> assertThat(t.getMessage()).doesNotContain("sk-open-456"));
  }

  @Test
  void anUnsetKeyVariableAndAUrlWithCredentialsAreRefusedAtStartWithoutShowingSecrets() {
    assertThatThrownBy(() -> with("warden.llm.endpoints.hosted { url = \"https://models.example\", api = openai,"
        + " api-key-env = WARDEN_SURELY_UNSET_KEY_VARIABLE }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.llm.endpoints.hosted.api-key-env")
        .hasMessageContaining("environment variable WARDEN_SURELY_UNSET_KEY_VARIABLE is not set");
    assertThatThrownBy(() -> with("warden.llm.endpoints.hosted { url = \"https://bob:pw-secret-789@models.example/v1\", api = openai }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.llm.endpoints.hosted.url must not carry credentials")
        .hasMessageContaining("https://***@models.example/v1")
        .satisfies(t -> assertThat(t.getMessage()).doesNotContain("pw-secret-789"));
    assertThatThrownBy(() -> with("warden.llm.endpoints.hosted { url = \"https://models.example\", api = bard }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessage("warden.llm.endpoints.hosted.api must be openai or ollama, but was bard");
  }
}
