package dev.warden.core.jmx;

import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code warden.jmx.connector.*}, read once. Authentication is always on; a bind beyond loopback
 * without TLS is refused here, before anything starts.
 *
 * @param passwordFile a JDK {@code jmxremote.password} file; empty: generated in the data dir
 * @param accessFile a JDK {@code jmxremote.access} file ({@code user readonly|readwrite}); empty with
 *     the password file
 */
public record JmxConnectorSettings(
    boolean enabled,
    String host,
    InetAddress address,
    int port,
    int rmiPort,
    Optional<Path> passwordFile,
    Optional<Path> accessFile,
    Tls tls) {

  /** {@code warden.jmx.connector.ssl.*}: the key store is loaded when the connector starts. */
  public record Tls(boolean enabled, Optional<Path> keyStore, String keyStoreType, Optional<Path> passwordFile,
      Optional<String> passwordEnv) {}

  /** Reads {@code connector.*} below {@code jmx} ({@code warden.jmx}). */
  public static JmxConnectorSettings create(ConfigReader jmx) {
    ConfigReader c = jmx.child("connector");
    boolean enabled = c.bool("enabled");
    String host = c.nonEmptyString("host");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw c.bad("host", "must be an address or a resolvable host name", e);
    }
    Optional<Path> passwordFile = optionalPath(c, "password-file");
    Optional<Path> accessFile = optionalPath(c, "access-file");
    if (passwordFile.isPresent() != accessFile.isPresent()) {
      String missing = passwordFile.isPresent() ? "access-file" : "password-file";
      throw c.bad(missing, "must be set together with " + (passwordFile.isPresent() ? "password-file" : "access-file")
          + " (leave both empty to have the node generate them in its data dir)", null);
    }
    ConfigReader s = c.child("ssl");
    Tls tls = new Tls(s.bool("enabled"), optionalPath(s, "key-store"), s.nonEmptyString("key-store-type"),
        optionalPath(s, "key-store-password-file"), optional(s, "key-store-password-env"));
    if (tls.enabled()) {
      if (tls.keyStore().isEmpty()) {
        throw s.bad("key-store", "must name a key store file when ssl.enabled = on", null);
      }
      if (tls.passwordFile().isPresent() == tls.passwordEnv().isPresent()) {
        throw s.bad("key-store-password-file",
            "or key-store-password-env (exactly one) must give the key store's password when ssl.enabled = on", null);
      }
    }
    if (enabled && !address.isLoopbackAddress() && !tls.enabled()) {
      throw new WardenConfigException(c.path("host"), c.path("host") + " = " + host
          + " is not a loopback address: a JMX connector beyond loopback needs TLS, but "
          + s.path("enabled") + " is off (authentication is always on; see README, JMX)");
    }
    return new JmxConnectorSettings(
        enabled, host, address, c.port("port"), c.port("rmi-port"), passwordFile, accessFile, tls);
  }

  /** The RMI server's port: {@code rmi-port}, or the registry's when 0 (one port to open). */
  public int effectiveRmiPort() {
    return rmiPort == 0 ? port : rmiPort;
  }

  private static Optional<Path> optionalPath(ConfigReader c, String key) {
    return optional(c, key).map(Path::of);
  }

  private static Optional<String> optional(ConfigReader c, String key) {
    String v = c.string(key).trim();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }
}
