package dev.warden.workers.llm;

import dev.warden.core.ConfigReader;
import dev.warden.core.WardenConfigException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A model server named in {@code warden.llm.endpoints.<name>}: its URL, its protocol and where its
 * API key lives (an environment variable or an owner-only file). Interactions name the endpoint;
 * only the name is journaled. The key itself is never held here: {@link #apiKey()} reads it at each
 * use, so neither a record's {@code toString()}, the journal nor a log line ever carries it, and a
 * rotated key file is picked up by the next attempt. A key never goes over {@code http} beyond loopback
 * unless {@code allow-plaintext-key = on}: such an endpoint is refused at start.
 */
public record ModelEndpoint(String name, URI url, Protocol protocol, Optional<String> apiKeyEnv, Optional<Path> apiKeyFile) {

  /** What the server speaks: {@code openai} (chat completions, SSE) or {@code ollama} (chat and generate, NDJSON). */
  public enum Protocol {
    OPENAI,
    OLLAMA
  }

  /** Longest key file read. */
  private static final int MAX_KEY_BYTES = 8192;
  private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  /**
   * Reads and checks {@code warden.llm.endpoints.<name>}; a missing or unsafe key source, or a key that
   * would cross the network in clear text, fails here, at start.
   */
  static ModelEndpoint read(ConfigReader endpoints, String name) {
    ConfigReader e = endpoints.child(com.typesafe.config.ConfigUtil.joinPath(name));
    String raw = e.nonEmptyString("url");
    if (userInfoEnd(raw) >= 0) {
      throw new WardenConfigException(e.path("url"), e.path("url")
          + " must not carry credentials (user-info before '@'), but was " + redacted(raw)
          + "; put the key in api-key-env or api-key-file of the endpoint, it is sent as 'Authorization: Bearer'");
    }
    URI url;
    try {
      url = new URI(raw);
    } catch (java.net.URISyntaxException x) {
      throw e.bad("url", "must be an http(s) URL (" + x.getReason() + ")", null);
    }
    if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
      throw e.bad("url", "must be an http(s) URL with a host", null);
    }
    String api = e.nonEmptyString("api");
    Protocol protocol;
    try {
      protocol = Protocol.valueOf(api.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException x) {
      throw e.bad("api", "must be openai or ollama", null);
    }
    Optional<String> keyEnv = e.has("api-key-env") ? Optional.of(e.nonEmptyString("api-key-env")) : Optional.empty();
    Optional<Path> keyFile = e.has("api-key-file") ? Optional.of(Path.of(e.nonEmptyString("api-key-file"))) : Optional.empty();
    if (keyEnv.isPresent() && keyFile.isPresent()) {
      throw e.bad("api-key-file", "cannot be set together with " + e.path("api-key-env") + " (one key source per endpoint)", null);
    }
    boolean allowPlaintext = e.has("allow-plaintext-key") && e.bool("allow-plaintext-key");
    if ((keyEnv.isPresent() || keyFile.isPresent()) && !allowPlaintext && plaintextBeyondLoopback(url)) {
      throw new WardenConfigException(e.path("url"), e.path("url") + " = " + raw + ": an API key would cross the network"
          + " unencrypted; use https://, or set " + e.path("allow-plaintext-key") + " = on if the network is trusted");
    }
    ModelEndpoint endpoint = new ModelEndpoint(name, url, protocol, keyEnv, keyFile);
    try {
      endpoint.apiKey();
    } catch (IllegalStateException x) {
      String key = e.path(keyEnv.isPresent() ? "api-key-env" : "api-key-file");
      throw new WardenConfigException(key, key + ": " + x.getMessage());
    }
    return endpoint;
  }

  /**
   * Whether a request to {@code url} would cross the network in clear text: an {@code http} URL whose
   * host is not loopback. Loopback is {@code localhost} or an address literal in 127.0.0.0/8 or
   * {@code ::1}; any other name counts as the network, even one that resolves to loopback (no DNS
   * lookup here: the answer must not depend on a resolver, nor wait for one).
   */
  static boolean plaintextBeyondLoopback(URI url) {
    return url != null && "http".equalsIgnoreCase(url.getScheme()) && !isLoopback(url.getHost());
  }

  private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

  /** Whether {@code host} (as {@link URI#getHost()} gives it: IPv6 in brackets) is loopback, judged from its text alone. */
  static boolean isLoopback(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(java.util.Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1); // the absolute form of a name, "localhost."
    }
    if (h.equals("localhost")) {
      return true;
    }
    java.util.regex.Matcher v4 = IPV4.matcher(h);
    if (v4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(v4.group(i)) > 255) {
          return false;
        }
      }
      return Integer.parseInt(v4.group(1)) == 127;
    }
    if (h.startsWith("[") && h.endsWith("]") && h.indexOf(':') > 0) {
      try {
        return java.net.InetAddress.getByName(h.substring(1, h.length() - 1)).isLoopbackAddress(); // a literal: parsed, not looked up
      } catch (java.net.UnknownHostException x) {
        return false;
      }
    }
    return false;
  }

  /**
   * The endpoint's API key, read now from its environment variable or file; empty when it has
   * none. Fails with a message naming the source (never the key) when the variable is unset, the
   * file is missing, readable by others than its owner, empty, or the key has characters a header
   * cannot carry.
   */
  public Optional<String> apiKey() {
    if (apiKeyEnv.isPresent()) {
      String v = System.getenv(apiKeyEnv.get());
      if (v == null || v.isBlank()) {
        throw new IllegalStateException("API key of endpoint " + name + ": environment variable " + apiKeyEnv.get() + " is not set");
      }
      return Optional.of(checked(v.strip(), "environment variable " + apiKeyEnv.get()));
    }
    if (apiKeyFile.isPresent()) {
      return Optional.of(checked(readFile(apiKeyFile.get()), "file " + apiKeyFile.get()));
    }
    return Optional.empty();
  }

  /** Where the key comes from, for messages: "environment variable X", "file F" or "no key". */
  public String keySource() {
    return apiKeyEnv.map(v -> "environment variable " + v).orElse(apiKeyFile.map(f -> "file " + f).orElse("no key"));
  }

  private String readFile(Path f) {
    String where = "API key of endpoint " + name + ": file " + f;
    try {
      PosixFileAttributeView posix = Files.getFileAttributeView(f, PosixFileAttributeView.class);
      if (posix != null) {
        Set<PosixFilePermission> perms = posix.readAttributes().permissions();
        perms.retainAll(OTHERS);
        if (!perms.isEmpty()) {
          throw new IllegalStateException(where + " is accessible by others than its owner (" + perms
              + "); make it owner-only: chmod 600 " + f);
        }
      }
      if (!Files.isRegularFile(f) || Files.size(f) > MAX_KEY_BYTES) {
        throw new IllegalStateException(where + " must be a regular file of at most " + MAX_KEY_BYTES + " bytes");
      }
      String first = Files.readString(f, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("").strip();
      if (first.isEmpty()) {
        throw new IllegalStateException(where + " is empty");
      }
      return first;
    } catch (IOException x) {
      throw new IllegalStateException(where + " cannot be read (" + x.getClass().getSimpleName() + ")", null);
    }
  }

  /** A key with a control character, a space or non-ASCII cannot be a header value: refuse it, saying where, never what. */
  private String checked(String key, String source) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= ' ' || c >= 127) {
        throw new IllegalStateException("API key of endpoint " + name + " (" + source + ") has a space, control or non-ASCII"
            + " character at position " + i + "; an HTTP header cannot carry it");
      }
    }
    return key;
  }

  /** The request path of {@code call} on this endpoint: chat per its protocol, generate on ollama only. */
  ModelApi apiFor(boolean generate) {
    if (generate) {
      if (protocol != Protocol.OLLAMA) {
        throw new IllegalArgumentException("endpoint " + name + " speaks " + protocol.name().toLowerCase(java.util.Locale.ROOT)
            + ": generate calls need an ollama endpoint; send a chat call instead");
      }
      return ModelApi.OLLAMA_GENERATE;
    }
    return protocol == Protocol.OPENAI ? ModelApi.OPENAI_CHAT : ModelApi.OLLAMA_CHAT;
  }

  /** {@code uri} with any user-info replaced by {@code ***}, for messages. */
  static String redacted(URI uri) {
    return uri == null ? "null" : redacted(uri.toString());
  }

  /** A URL as text with its user-info (credentials) replaced by {@code ***}. */
  static String redacted(String url) {
    int at = userInfoEnd(url);
    if (at < 0) {
      return url;
    }
    int start = url.indexOf("://");
    return (start < 0 ? "" : url.substring(0, start + 3)) + "***" + url.substring(at);
  }

  /** Index of the '@' that ends a URL's user-info (the last one in its authority), or -1 when it has none. */
  static int userInfoEnd(String url) {
    int start = url.indexOf("://");
    int from = start < 0 ? 0 : start + 3;
    int end = url.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = url.indexOf(c, from);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return url.lastIndexOf('@', end - 1) >= from ? url.lastIndexOf('@', end - 1) : -1;
  }

  /** {@code uri} without its user-info, if any. */
  static URI withoutUserInfo(URI uri) {
    if (uri == null) {
      return null;
    }
    String s = uri.toString();
    int at = userInfoEnd(s);
    if (at < 0) {
      return uri;
    }
    int start = s.indexOf("://");
    return URI.create((start < 0 ? "" : s.substring(0, start + 3)) + s.substring(at + 1));
  }
}
