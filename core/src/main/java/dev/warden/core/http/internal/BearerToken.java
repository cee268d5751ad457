package dev.warden.core.http.internal;

import dev.warden.core.WardenConfigException;
import dev.warden.core.http.HttpSettings;
import dev.warden.core.jmx.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The bearer token of {@code warden.http.token-file} or {@code token-env}, read once at start and
 * kept only as its SHA-256: a presented token is hashed and the two digests compared with
 * {@link MessageDigest#isEqual} (constant time, and the same length whatever was presented).
 */
final class BearerToken {
  private static final String FILE_KEY = "warden.http.token-file";
  private static final String ENV_KEY = "warden.http.token-env";

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /** The configured token, or empty when none is (loopback only, checked by the settings). */
  static Optional<BearerToken> load(HttpSettings s) {
    if (s.tokenFile().isPresent()) {
      OwnerOnly.check(s.tokenFile().get(), FILE_KEY, true);
      String first;
      try {
        first = Files.readAllLines(s.tokenFile().get(), StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
      } catch (IOException e) {
        throw new WardenConfigException(FILE_KEY, FILE_KEY + ": cannot read " + s.tokenFile().get() + ": " + e, e);
      }
      return Optional.of(of(first, FILE_KEY, "the first line of " + s.tokenFile().get()));
    }
    if (s.tokenEnv().isPresent()) {
      String v = System.getenv(s.tokenEnv().get());
      if (v == null || v.isBlank()) {
        throw new WardenConfigException(ENV_KEY, ENV_KEY + " names the environment variable " + s.tokenEnv().get()
            + ", which is not set or empty");
      }
      return Optional.of(of(v.trim(), ENV_KEY, "the environment variable " + s.tokenEnv().get()));
    }
    return Optional.empty();
  }

  private static BearerToken of(String token, String key, String where) {
    if (token.length() < HttpSettings.MIN_TOKEN_LENGTH) {
      throw new WardenConfigException(key, key + ": the token in " + where + " must be at least "
          + HttpSettings.MIN_TOKEN_LENGTH + " characters long, but has " + token.length());
    }
    return new BearerToken(sha256(token));
  }

  /** Whether an {@code Authorization} header value carries this token. */
  boolean admits(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return false;
    }
    String h = authorization.get().trim();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(h.substring(7).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
