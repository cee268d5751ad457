package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** warden.http.* refused at start, each time naming the key: nothing is bound and no file is written. */
class HttpSettingsTest {
  @TempDir Path dir;

  private void refused(String http, String key, String... fragments) {
    Path data = dir.resolve("data");
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(
            "warden.data-dir = \"" + data + "\"\nwarden.jmx.enabled = off\nwarden.http { enabled = on, port = 0 }\n" + http),
        TestKinds.crashy("k")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(fragments.length == 0 ? key : fragments[0])
        .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo(key));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "warden.http.port = 70000 | warden.http.port | but was 70000",
      "warden.http.max-body = 0 | warden.http.max-body | but was 0",
      "warden.http.max-body = lots | warden.http.max-body | but was lots",
      "warden.http.enabled = maybe | warden.http.enabled | but was maybe",
      "warden.http.host = \"no such host.invalid\" | warden.http.host | but was no such host.invalid",
  })
  void badValuesAreRefusedNamingKeyAndValue(String http, String key, String shown) {
    refused(http, key, shown);
  }

  @Test
  void aNonLoopbackBindWithoutATokenIsRefusedBeforeAnythingIsWritten() {
    refused("warden.http.host = \"0.0.0.0\"", "warden.http.host", "needs a bearer token");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void aTokenFileOthersCanReadIsRefused() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "a-long-enough-secret-token\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r-----"));
    refused("warden.http.token-file = \"" + token + "\"", "warden.http.token-file", "chmod 600");
  }

  @Test
  void aShortTokenIsRefusedWithoutQuotingIt() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "short\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    refused("warden.http.token-file = \"" + token + "\"", "warden.http.token-file", "at least 16 characters");
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString("warden.data-dir = \"" + dir.resolve("d") + "\"\n"
            + "warden.jmx.enabled = off\nwarden.http { enabled = on, port = 0, token-file = \"" + token + "\" }"),
        TestKinds.crashy("k")))
        .message().doesNotContain("short\n").doesNotContain(": short");
  }

  @Test
  void aTokenVariableThatIsNotSetIsRefused() {
    refused("warden.http.token-env = WARDEN_TEST_NO_SUCH_VARIABLE", "warden.http.token-env", "not set or empty");
  }

  @Test
  void aTokenFromBothAFileAndAVariableIsRefused() {
    refused("warden.http { token-file = \"/x\", token-env = X }", "warden.http.token-env", "one source of the token");
  }

  @Test
  void aPortInUseFailsTheStartNamingThePortAndTheNodeStops() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused("warden.http.port = " + taken.getLocalPort(), "warden.http.port", "cannot start the HTTP server");
    }
    // the node that failed released its data directory: a node on it starts
    try (Warden w = Warden.start(ConfigFactory.parseString("warden.data-dir = \"" + dir.resolve("data") + "\"\n"
        + "warden.jmx.enabled = off\nwarden.http { enabled = on, port = 0 }"), TestKinds.crashy("k"))) {
      assertThat(w.httpAddress()).isPresent();
    }
  }

  @Test
  void strictModeKnowsEveryHttpKeyAndNamesTheNearestOneForAMisspelling() {
    Path data = dir.resolve("data");
    String base = "warden.data-dir = \"" + data + "\"\nwarden.jmx.enabled = off\nwarden.config.strict = on\n";
    try (Warden w = Warden.start(ConfigFactory.parseString(base
        + "warden.http { enabled = on, host = \"127.0.0.1\", port = 0, max-body = 64KiB, token-file = \"\", token-env = \"\" }"),
        TestKinds.crashy("k"))) {
      assertThat(w.httpUrl()).isPresent();
    }
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(base + "warden.http.prot = 1"), TestKinds.crashy("k")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("did you mean warden.http.port?");
  }

  @Test
  void offInTheLibrary() {
    try (Warden w = Warden.start(ConfigFactory.parseString("warden.data-dir = \"" + dir.resolve("data") + "\"\n"
        + "warden.jmx.enabled = off"), TestKinds.crashy("k"))) {
      assertThat(w.httpAddress()).isEmpty();
      assertThat(w.httpUrl()).isEmpty();
    }
  }
}
