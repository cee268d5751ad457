package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint with an API key and an {@code http://} URL beyond loopback would send the key in clear
 * text over the network: the node refuses to start, naming the url and the opt-in key, unless the
 * opt-in is set. Loopback over http (a local Ollama), https, and http without a key start. Nothing
 * here needs the network: the refusal comes from the config alone, before any connection.
 */
class LlmPlaintextKeyTest {
  private static final String UNSET_VAR = "WARDEN_SURELY_UNSET_PLAINTEXT_KEY_VARIABLE";

  @TempDir Path dir;

  private Path keyFile() throws Exception {
    Path f = dir.resolve("model.key");
    if (!Files.exists(f)) {
      Files.writeString(f, "sk-plain-61c0d2\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }
    return f;
  }

  private static LlmSettings with(String conf) {
    return LlmSettings.create(Warden.loadConfig(ConfigFactory.parseString(conf)));
  }

  private String endpoint(String name, String url, String extra) throws Exception {
    return "warden.llm.endpoints." + name + " { url = \"" + url + "\", api = openai, api-key-file = \"" + keyFile() + "\"" + extra + " }\n";
  }

  private static String refusal(String name, String url) {
    return "warden.llm.endpoints." + name + ".url = " + url + ": an API key would cross the network unencrypted; use https://,"
        + " or set warden.llm.endpoints." + name + ".allow-plaintext-key = on if the network is trusted";
  }

  @Test
  void aNodeWithAKeyedEndpointOverHttpBeyondLoopbackRefusesToStartNamingTheUrlAndTheOptIn() {
    String conf = "warden.llm.endpoints.lan { url = \"http://10.1.2.3:8000\", api = openai, api-key-env = " + UNSET_VAR + " }\n";
    assertThatThrownBy(() -> LlmNode.start(dir, conf).close())
        .isInstanceOf(WardenConfigException.class)
        .hasMessage(refusal("lan", "http://10.1.2.3:8000"));
  }

  @Test
  void everyNonLoopbackHttpHostIsRefusedWithAKeyFromAFileOrTheEnvironment() throws Exception {
    for (String url : List.of("http://models.lan", "http://192.168.1.20:11434/", "http://[fe80::1]:11434", "http://[::2]",
        "http://128.0.0.1", "http://127.0.0.1.nip.io:11434", "http://localhost.example.com", "http://0.0.0.0:11434",
        "http://100.64.0.1")) {
      assertThatThrownBy(() -> with(endpoint("remote", url, "")))
          .as(url).isInstanceOf(WardenConfigException.class).hasMessage(refusal("remote", url));
    }
    assertThatThrownBy(() -> with("warden.llm.endpoints.remote { url = \"http://models.lan\", api = ollama, api-key-env = PATH }"))
        .isInstanceOf(WardenConfigException.class).hasMessage(refusal("remote", "http://models.lan"));
    assertThatThrownBy(() -> with(endpoint("\"with.dot\"", "http://models.lan", "")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.llm.endpoints.\"with.dot\".allow-plaintext-key = on");
  }

  @Test
  void httpsLoopbackHttpAKeylessEndpointAndTheOptInStart() throws Exception {
    for (String url : List.of("https://api.openai.com", "https://10.1.2.3:8443", "http://127.0.0.1:11434", "http://127.9.8.7",
        "http://localhost:11434", "http://LOCALHOST.:11434", "http://[::1]:11434", "http://[0:0:0:0:0:0:0:1]:11434")) {
      assertThat(with(endpoint("ok", url, "")).endpoints().get("ok").url()).as(url).isEqualTo(URI.create(url));
    }
    assertThat(with("warden.llm.endpoints.nokey { url = \"http://models.lan:11434\", api = ollama }").endpoints())
        .as("without a key there is nothing to lose").containsKey("nokey");
    LlmSettings trusted = with(endpoint("lan", "http://models.lan:8000", ", allow-plaintext-key = on"));
    assertThat(trusted.endpoints().get("lan").apiKey()).contains("sk-plain-61c0d2");
    assertThatThrownBy(() -> with(endpoint("lan", "http://models.lan:8000", ", allow-plaintext-key = off")))
        .isInstanceOf(WardenConfigException.class).hasMessage(refusal("lan", "http://models.lan:8000"));
    assertThatThrownBy(() -> with(endpoint("lan", "http://models.lan:8000", ", allow-plaintext-key = perhaps")))
        .isInstanceOf(WardenConfigException.class).hasMessageContaining("warden.llm.endpoints.lan.allow-plaintext-key");
  }

  @Test
  void aNodeWithTheOptInStarts() throws Exception {
    try (Warden node = LlmNode.start(dir, endpoint("lan", "http://10.1.2.3:8000", ", allow-plaintext-key = on"))) {
      assertThat(node).isNotNull();
    }
  }

  @Test
  void anInlineKeyGivenToTheClientOnItsOwnIsRefusedOverHttpBeyondLoopbackBeforeAnyConnection() {
    ModelClient client = new ModelClient(Duration.ofSeconds(2), 1000);
    ModelCall call = ModelCall.chat(ModelApi.OPENAI_CHAT, URI.create("http://192.0.2.7:8000"), "m", List.of())
        .withApiKey("sk-inline-2f7a");
    assertThatThrownBy(() -> client.start(call, () -> { }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://192.0.2.7:8000/v1/chat/completions: an inline API key would cross the network unencrypted")
        .satisfies(t -> assertThat(t.getMessage()).doesNotContain("sk-inline-2f7a"));
  }
}
