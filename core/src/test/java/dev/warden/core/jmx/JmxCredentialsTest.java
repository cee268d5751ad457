package dev.warden.core.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.core.WardenSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The credential files an operator writes by hand, and what is refused in them (before anything listens). */
class JmxCredentialsTest {
  @TempDir Path dir;

  private Path file(String name, String text, String mode) throws IOException {
    Path f = Files.writeString(dir.resolve(name), text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  private JmxCredentials load(Path password, Path access) {
    JmxConnectorSettings s = WardenSettings.create(Warden.loadConfig(ConfigFactory.parseString(
        "warden.jmx.connector { password-file = \"" + password + "\", access-file = \"" + access + "\" }")))
        .jmxConnector();
    return JmxCredentials.load(s, dir.resolve("data"));
  }

  @Test
  void anAccessLineGrantingCreateIsRefusedNamingTheFileAndUser() throws IOException {
    Path pw = file("pw", "ops s3cret\n", "rw-------");
    Path access = file("access", "ops readwrite create javax.management.loading.MLet\n", "rw-r--r--");
    assertThatThrownBy(() -> load(pw, access))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining(access.toString())
        .hasMessageContaining("[ops]")
        .hasMessageContaining("never grants 'create'");
  }

  @Test
  void anAccessFileOthersMayWriteIsRefused() throws IOException {
    Path pw = file("pw", "ops s3cret\n", "rw-------");
    Path access = file("access", "ops readonly\n", "rw-rw-rw-");
    assertThatThrownBy(() -> load(pw, access))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.jmx.connector.access-file")
        .hasMessageContaining("rw-rw-rw-");
  }

  @Test
  void aPasswordLineWithoutAPasswordIsRefusedByLineWithoutEchoingIt() throws IOException {
    Path pw = file("pw", "# users\nops s3cret\nlonelytoken\n", "rw-------");
    Path access = file("access", "ops readonly\n", "rw-r--r--");
    assertThatThrownBy(() -> load(pw, access))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining(pw + ":3")
        .hasMessageNotContaining("lonelytoken");
  }

  @Test
  void aUserWithoutARoleCannotLogInAndTheOtherGetsItsRole() throws IOException {
    Path pw = file("pw", "ops s3cret\nstranger other\n", "rw-------");
    Path access = file("access", "ops readonly\n", "rw-r--r--");
    JmxCredentials c = load(pw, access);
    assertThat(c.authenticate(new String[] {"ops", "s3cret"}).getPrincipals(JmxCredentials.RolePrincipal.class))
        .containsExactly(new JmxCredentials.RolePrincipal(JmxCredentials.Role.MONITOR));
    assertThatThrownBy(() -> c.authenticate(new String[] {"stranger", "other"})).isInstanceOf(SecurityException.class);
  }
}
