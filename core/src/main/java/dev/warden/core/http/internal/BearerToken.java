package dev.warden.core.http.internal;

import dev.warden.core.WardenConfigException;
import dev.warden.core.http.HttpSettings;
import dev.warden.core.jmx.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer token of {@code warden.http.token-file} or {@code token-env}, or the one generated in the
 * data directory ({@code generate-token}), read once at start and kept only as its SHA-256: a presented
 * token is hashed and the two digests compared with {@link MessageDigest#isEqual} (constant time, and the
 * same length whatever was presented).
 */
final class BearerToken {
  private static final String FILE_KEY = "warden.http.token-file";
  private static final String ENV_KEY = "warden.http.token-env";
  private static final String GENERATE_KEY = "warden.http.generate-token";
  private static final Logger log = LoggerFactory.getLogger(BearerToken.class);

  private final byte[] digest;

  private BearerToken(byte[] digest) {
    this.digest = digest;
  }

  /** The configured or generated token, or empty when none is (loopback only, checked by the settings). */
  static Optional<BearerToken> load(HttpSettings s, Path dataDir) {
    if (s.tokenFile().isPresent()) {
      String first = firstLine(s.tokenFile().get(), FILE_KEY);
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
    if (s.generateToken()) {
      Path file = generated(dataDir);
      return Optional.of(of(firstLine(file, GENERATE_KEY), GENERATE_KEY, "the first line of " + file));
    }
    return Optional.empty();
  }

  /** The token file a node uses: the configured one, or the generated one, or empty (env, or none). */
  static Optional<Path> file(HttpSettings s, Path dataDir) {
    if (s.tokenFile().isPresent()) {
      return s.tokenFile();
    }
    return s.tokenEnv().isEmpty() && s.generateToken() ? Optional.of(HttpSettings.generatedTokenFile(dataDir)) : Optional.empty();
  }

  /**
   * {@code <dataDir>/http/token}, written owner-only with 32 random bytes at the first start (never through a
   * symbolic link found there), then read and checked like a configured file.
   */
  private static Path generated(Path dataDir) {
    Path file = HttpSettings.generatedTokenFile(dataDir);
    try {
      OwnerOnly.createDirectories(file.getParent());
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        OwnerOnly.writeAtomically(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n");
        log.info("HTTP bearer token generated in {} (send it as Authorization: Bearer <token>)", file);
      }
    } catch (IOException e) {
      throw new WardenConfigException(GENERATE_KEY, GENERATE_KEY + ": cannot write the token file " + file + ": " + e, e);
    }
    return file;
  }

  private static String firstLine(Path file, String key) {
    OwnerOnly.check(file, key, true);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
    } catch (IOException e) {
      throw new WardenConfigException(key, key + ": cannot read " + file + ": " + e, e);
    }
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
