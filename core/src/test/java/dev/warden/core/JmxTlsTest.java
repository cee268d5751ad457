package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxConnectorSettings;
import dev.warden.core.jmx.JmxCredentials;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS on the connector, on 127.0.0.1 with a key store made by the JDK's keytool. */
class JmxTlsTest {
  private static final String STORE_PASSWORD = "store-secret";

  @TempDir Path dir;

  private Path keyStore() throws Exception {
    Path store = dir.resolve("jmx.p12");
    Process p = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "warden",
            "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
        .redirectErrorStream(true)
        .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    return store;
  }

  private String tlsConfig(Path store, int port) throws Exception {
    Path pass = Files.writeString(dir.resolve("store.pass"), STORE_PASSWORD + "\n");
    Files.setPosixFilePermissions(pass, PosixFilePermissions.fromString("rw-------"));
    return "warden.node-name = jmx-tls\nwarden.data-dir = \"" + dir.resolve("data") + "\"\n"
        + "warden.jmx.connector { enabled = on, port = " + port + "\n"
        + "  ssl { enabled = on, key-store = \"" + store + "\", key-store-password-file = \"" + pass + "\" } }\n";
  }

  @Test
  void aTlsConnectorServesAClientThatTrustsItsCertificateAndRefusesAPlainOne() throws Exception {
    Path store = keyStore();
    int port = Ports.freeLoopbackPort();
    // Stock clients trust what javax.net.ssl.trustStore trusts: the JVM's default SSL context.
    SSLContext before = SSLContext.getDefault();
    SSLContext.setDefault(trusting(store));
    try (Warden warden = Warden.start(ConfigFactory.parseString(tlsConfig(store, port)), Counter.kind("faulty"))) {
      String password = JmxCredentials.passwordOf(warden.jmxPasswordFile().orElseThrow(), JmxCredentials.MONITOR_USER);
      try (JMXConnector c = JmxConnector.connect("127.0.0.1", port, JmxCredentials.MONITOR_USER, password, true)) {
        assertThat(c.getMBeanServerConnection().getAttribute(
                new ObjectName("dev.warden:node=\"jmx-tls\",type=Tree"), "Rendered"))
            .asString().contains("faulty");
      }
      assertThatThrownBy(() -> JmxConnector.connect("127.0.0.1", port, JmxCredentials.MONITOR_USER, password, false))
          .isInstanceOf(java.io.IOException.class);
    } finally {
      SSLContext.setDefault(before);
    }
  }

  @Test
  void aBindBeyondLoopbackIsAcceptedWithTls() throws Exception {
    String conf = tlsConfig(dir.resolve("any.p12"), 9010).replace("enabled = on, port", "enabled = on, host = \"0.0.0.0\", port");
    JmxConnectorSettings s = WardenSettings.create(Warden.loadConfig(ConfigFactory.parseString(conf))).jmxConnector();
    assertThat(s.address().isAnyLocalAddress()).isTrue();
    assertThat(s.tls().enabled()).isTrue();
  }

  private static SSLContext trusting(Path store) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
