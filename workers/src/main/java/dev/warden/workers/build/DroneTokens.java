package dev.warden.workers.build;

import dev.warden.core.WardenConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-drone bearer tokens ({@code warden.build.service.drone-tokens-file}): one line per drone,
 * {@code <drone-id> <sha-256 of its token, hex>}; blank lines and {@code #} comments ignored. Only digests
 * are kept, in the file and in memory; a presented token is hashed and compared in constant time. Tokens
 * are never logged or journaled. Without the file (loopback only) every drone is admitted.
 */
final class DroneTokens {
  private static final String KEY = "warden.build.service.drone-tokens-file";
  private final Map<String, byte[]> digests;

  private DroneTokens(Map<String, byte[]> digests) {
    this.digests = digests;
  }

  static DroneTokens load(Optional<Path> file) {
    if (file.isEmpty()) {
      return new DroneTokens(null);
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new WardenConfigException(KEY, KEY + ": cannot read " + file.get() + ": " + e, e);
    }
    Map<String, byte[]> digests = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      byte[] digest;
      try {
        digest = parts.length == 2 && parts[1].length() == 64 ? HexFormat.of().parseHex(parts[1]) : null;
      } catch (IllegalArgumentException e) {
        digest = null;
      }
      if (digest == null) {
        throw new WardenConfigException(KEY, KEY + ": line " + (i + 1) + " of " + file.get()
            + " must be '<drone-id> <sha-256 of the token in hex>' (printf %s \"$TOKEN\" | sha256sum)");
      }
      digests.put(parts[0], digest);
    }
    return new DroneTokens(Map.copyOf(digests));
  }

  boolean required() {
    return digests != null;
  }

  /** Whether the {@code Authorization} header value carries {@code droneId}'s token. */
  boolean admits(String droneId, Optional<String> authorization) {
    if (digests == null) {
      return true;
    }
    byte[] expected = digests.get(droneId);
    if (expected == null || authorization.isEmpty() || !authorization.get().startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(authorization.get().substring("Bearer ".length()).trim()));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
