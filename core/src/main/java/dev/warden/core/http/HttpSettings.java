package dev.warden.core.http;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code warden.http.*}, read once. A bind beyond loopback without a bearer token is refused
 * here, before anything starts; the token itself is read when the server starts.
 *
 * @param tokenFile a file whose first line is the bearer token (owner-only)
 * @param tokenEnv the name of an environment variable holding the bearer token
 * @param generateToken with neither {@code tokenFile} nor {@code tokenEnv}: generate a token in the data
 *     directory and require it (off: a loopback server open to every local user)
 * @param maxEventStreams how many live-feed streams ({@code GET /api/v1/events}) may be open at once
 * @param eventsHeartbeat how long a live-feed stream may stay silent before a heartbeat comment is sent
 */
public record HttpSettings(
    boolean enabled,
    String host,
    InetAddress address,
    int port,
    Optional<Path> tokenFile,
    Optional<String> tokenEnv,
    boolean generateToken,
    long maxBody,
    int maxEventStreams,
    Duration eventsHeartbeat) {

  /** The least length of a bearer token. */
  public static final int MIN_TOKEN_LENGTH = 16;

  public static HttpSettings create(Config root) {
    ConfigReader h = ConfigReader.at(root, "warden.http");
    boolean enabled = h.bool("enabled");
    String host = h.nonEmptyString("host");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw h.bad("host", "must be an address or a resolvable host name", e);
    }
    int port = h.port("port");
    Optional<Path> file = optional(h, "token-file").map(Path::of);
    Optional<String> env = optional(h, "token-env");
    if (file.isPresent() && env.isPresent()) {
      throw h.bad("token-env", "must be empty when " + h.path("token-file") + " is set (one source of the token)", null);
    }
    boolean generate = h.bool("generate-token");
    long maxBody = h.bytes("max-body");
    if (maxBody <= 0 || maxBody > Integer.MAX_VALUE) {
      throw h.bad("max-body", "must be > 0 and < 2GiB", null);
    }
    int maxEventStreams = h.intAtLeast("max-event-streams", 1);
    Duration eventsHeartbeat = h.positiveDuration("events-heartbeat");
    if (enabled && !address.isLoopbackAddress() && file.isEmpty() && env.isEmpty()) {
      throw new WardenConfigException(h.path("host"), h.path("host") + " = " + host
          + " is not a loopback address: an HTTP server beyond loopback needs a bearer token, but neither "
          + h.path("token-file") + " nor " + h.path("token-env") + " is set");
    }
    return new HttpSettings(enabled, host, address, port, file, env, generate, maxBody, maxEventStreams, eventsHeartbeat);
  }

  /** True when a token is configured or generated (every /api request must then carry it). */
  public boolean tokenRequired() {
    return tokenFile.isPresent() || tokenEnv.isPresent() || generateToken;
  }

  /** Where a node on {@code dataDir} keeps its generated token ({@code warden.http.generate-token}). */
  public static Path generatedTokenFile(Path dataDir) {
    return dataDir.resolve("http").resolve("token").toAbsolutePath().normalize();
  }

  private static Optional<String> optional(ConfigReader c, String key) {
    String v = c.string(key).trim();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }
}
