package dev.warden.core.jmx;

import dev.warden.core.WardenConfigException;
import dev.warden.core.RateLimitedLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.remote.JMXAuthenticator;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may log in to the JMX connector and with which role, from the JDK agent's two files: a
 * password file ({@code user password} per line, owner-only) and an access file ({@code user
 * readonly|readwrite}). Passwords are compared in constant time and never logged.
 */
public final class JmxCredentials implements JMXAuthenticator {
  /** The users of a generated password file. */
  public static final String MONITOR_USER = "monitor";
  public static final String CONTROL_USER = "control";

  private static final Logger log = LoggerFactory.getLogger(JmxCredentials.class);
  private static final String PASSWORD_KEY = "warden.jmx.connector.password-file";
  private static final String ACCESS_KEY = "warden.jmx.connector.access-file";

  /** What an authenticated user may do (see {@link JmxAccessGuard}). */
  public enum Role {
    /** {@code readonly}: read attributes, names and infos. */
    MONITOR,
    /** {@code readwrite}: also invoke and set attributes of Warden's own MBeans. */
    CONTROL
  }

  /** The role of a login, carried in its {@link Subject}. */
  record RolePrincipal(Role role) implements Principal {
    @Override
    public String getName() {
      return role.name();
    }
  }

  private record User(byte[] passwordHash, Role role) {}

  private final Path passwordFile;
  private final Map<String, User> users;
  private final byte[] dummyHash = sha256("no such user");
  private final RateLimitedLog refusals = new RateLimitedLog(log, Duration.ofSeconds(10));

  private JmxCredentials(Path passwordFile, Map<String, User> users) {
    this.passwordFile = passwordFile;
    this.users = users;
  }

  /**
   * The configured files, or, when none is configured, {@code <dataDir>/jmx/jmxremote.password} and
   * {@code .access}, generated owner-only with random passwords for {@code monitor} and
   * {@code control} if missing. Refuses a password file that group or others may read.
   */
  public static JmxCredentials load(JmxConnectorSettings settings, Path dataDir) {
    Path pw = settings.passwordFile().orElse(null);
    Path access = settings.accessFile().orElse(null);
    if (pw == null) {
      pw = generatedPasswordFile(dataDir);
      access = pw.resolveSibling("jmxremote.access");
      generateIfMissing(pw, access);
    }
    OwnerOnly.check(pw, PASSWORD_KEY, true);
    OwnerOnly.check(access, ACCESS_KEY, false);
    Map<String, String> passwords = readPairs(pw, PASSWORD_KEY);
    Map<String, String> roles = readPairs(access, ACCESS_KEY);
    Map<String, User> users = new HashMap<>();
    for (Map.Entry<String, String> r : roles.entrySet()) {
      Role role = role(r.getValue(), access, r.getKey());
      String pass = passwords.get(r.getKey());
      if (pass != null) {
        users.put(r.getKey(), new User(sha256(pass), role));
      }
    }
    if (users.isEmpty()) {
      throw new WardenConfigException(PASSWORD_KEY, "no JMX user in " + pw + " has a role in " + access
          + ": nobody could log in (" + PASSWORD_KEY + ", " + ACCESS_KEY + ")");
    }
    return new JmxCredentials(pw, Map.copyOf(users));
  }

  /** Where a node on {@code dataDir} keeps its generated password file. */
  public static Path generatedPasswordFile(Path dataDir) {
    return dataDir.resolve("jmx").resolve("jmxremote.password").toAbsolutePath().normalize();
  }

  /** {@code user}'s password in a JDK password file (for clients such as {@code warden tree}). */
  public static String passwordOf(Path passwordFile, String user) {
    String p = readPairs(passwordFile, PASSWORD_KEY).get(user);
    if (p == null) {
      throw new IllegalArgumentException("no user [" + user + "] in " + passwordFile);
    }
    return p;
  }

  /** The password file in use (its path may be shown; its content never is). */
  public Path passwordFile() {
    return passwordFile;
  }

  @Override
  public Subject authenticate(Object credentials) {
    String[] pair = credentials instanceof String[] p ? p : null;
    if (pair == null || pair.length != 2 || pair[0] == null || pair[1] == null) {
      throw refuse("credentials must be {user, password}", "?");
    }
    User user = users.get(pair[0]);
    // Hash first so the comparison takes the same time whatever the length, user or password.
    boolean ok = MessageDigest.isEqual(sha256(pair[1]), user == null ? dummyHash : user.passwordHash());
    if (user == null || !ok) {
      throw refuse("wrong user or password", pair[0]);
    }
    return new Subject(true, Set.of(new JMXPrincipal(pair[0]), new RolePrincipal(user.role())), Set.of(), Set.of());
  }

  private SecurityException refuse(String why, String user) {
    synchronized (refusals) {
      refusals.warn("JMX login refused for user [{}]: {}", user.length() > 64 ? user.substring(0, 64) : user, why);
    }
    return new SecurityException("Authentication failed: " + why);
  }

  private static Role role(String word, Path access, String user) {
    switch (word) {
      case "readonly":
        return Role.MONITOR;
      case "readwrite":
        return Role.CONTROL;
      default:
        throw new WardenConfigException(ACCESS_KEY, access + ": user [" + user + "] must be readonly or readwrite"
            + " (Warden never grants 'create' or 'unregister'), but was [" + word + "]");
    }
  }

  /** {@code key value} lines; '#' comments. A line without a value is refused with file:line. */
  private static Map<String, String> readPairs(Path file, String key) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new WardenConfigException(key, key + ": cannot read " + file + ": " + e, e);
    }
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("\\s+", 2);
      if (kv.length < 2) {
        // never echo the line: it may be a password
        throw new WardenConfigException(key, file + ":" + (i + 1) + " must be 'user value' (" + key + ")");
      }
      out.put(kv[0], kv[1].strip());
    }
    return out;
  }

  private static void generateIfMissing(Path pw, Path access) {
    try {
      OwnerOnly.createDirectories(pw.getParent());
      if (!Files.exists(access)) {
        OwnerOnly.writeAtomically(access, "# Warden JMX roles (JDK jmxremote.access format)\n"
            + MONITOR_USER + " readonly\n" + CONTROL_USER + " readwrite\n");
      }
      if (!Files.exists(pw)) {
        OwnerOnly.writeAtomically(pw, "# Warden JMX passwords, generated; owner-only (JDK jmxremote.password format)\n"
            + MONITOR_USER + " " + randomPassword() + "\n" + CONTROL_USER + " " + randomPassword() + "\n");
        log.info("JMX credentials generated in {} (users {} and {})", pw, MONITOR_USER, CONTROL_USER);
      }
    } catch (IOException e) {
      throw new WardenConfigException(PASSWORD_KEY, "cannot write JMX credentials to " + pw + ": " + e, e);
    }
  }

  private static String randomPassword() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
