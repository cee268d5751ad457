package dev.warden.core;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds keys under {@code warden.*} that no module's {@code reference.conf} (or
 * {@code warden-defaults}) on the classpath defines: a misspelling would otherwise be ignored in
 * silence. Sections listed in {@code warden.config.user-named} hold names the user chooses and are
 * not checked. {@code warden.config.strict} turns the warnings into a refused start.
 */
public final class UnknownKeys {
  private static final Logger log = LoggerFactory.getLogger(UnknownKeys.class);

  /** A key no reference defines, and the known key nearest to it. */
  public record Unknown(String key, String nearest) {
    public String message() {
      return key + " is not a known setting" + (nearest.isEmpty() ? "" : " (did you mean " + nearest + "?)");
    }
  }

  private UnknownKeys() {}

  /**
   * Logs one warning per unknown key in {@code config} (resolved), or, under
   * {@code warden.config.strict = on}, throws a {@link WardenConfigException} for the first.
   */
  public static void check(Config config) {
    ConfigReader c = ConfigReader.at(config, "warden.config");
    boolean strict = c.bool("strict");
    List<Unknown> unknown = find(config);
    if (strict && !unknown.isEmpty()) {
      Unknown u = unknown.get(0);
      throw new WardenConfigException(u.key(), u.message() + "; warden.config.strict = on refuses unknown keys");
    }
    for (Unknown u : unknown) {
      log.warn("{}; it is ignored (warden.config.strict = on refuses unknown keys)", u.message());
    }
  }

  /** Every unknown key of {@code config} (resolved) against the reference of every module on the classpath. */
  public static List<Unknown> find(Config config) {
    return find(config, reference());
  }

  /** Every unknown key of {@code config} under {@code warden}, topmost only, in path order. */
  static List<Unknown> find(Config config, Config reference) {
    Set<List<String>> known = new HashSet<>();
    ConfigValue refRoot = reference.root().get("warden");
    if (refRoot != null) {
      collect(List.of("warden"), refRoot, known);
    }
    Set<List<String>> userNamed = new HashSet<>();
    if (config.hasPath("warden.config.user-named")) {
      ConfigReader sections = ConfigReader.at(config, "warden.config.user-named");
      for (String section : sections.config().root().keySet()) {
        if (sections.bool(ConfigUtil.quoteString(section))) {
          userNamed.add(ConfigUtil.splitPath(section));
        }
      }
    }
    List<Unknown> out = new ArrayList<>();
    ConfigValue root = config.root().get("warden");
    if (root instanceof ConfigObject warden) {
      walk(List.of("warden"), warden, known, userNamed, out);
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  /** The reference of every module on the classpath, as {@code Warden.loadConfig} layers it. */
  private static Config reference() {
    return ConfigFactory.parseResourcesAnySyntax("warden-defaults")
        .withFallback(ConfigFactory.defaultReferenceUnresolved());
  }

  private static void collect(List<String> path, ConfigValue value, Set<List<String>> known) {
    known.add(path);
    if (value instanceof ConfigObject obj) {
      for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
        collect(append(path, e.getKey()), e.getValue(), known);
      }
    }
  }

  private static void walk(
      List<String> path, ConfigObject obj, Set<List<String>> known, Set<List<String>> userNamed, List<Unknown> out) {
    if (userNamed.contains(path)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : obj.entrySet()) {
      List<String> child = append(path, e.getKey());
      if (userNamed.contains(child)) {
        continue;
      }
      if (!known.contains(child)) {
        out.add(new Unknown(ConfigUtil.joinPath(child), nearest(ConfigUtil.joinPath(child), known)));
      } else if (e.getValue() instanceof ConfigObject nested) {
        walk(child, nested, known, userNamed, out);
      }
    }
  }

  private static String nearest(String key, Set<List<String>> known) {
    String best = "";
    int bestDistance = Integer.MAX_VALUE;
    for (List<String> k : known) {
      String candidate = ConfigUtil.joinPath(k);
      int d = distance(key, candidate);
      if (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Levenshtein distance (keys are short: a two-row table). */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static List<String> append(List<String> path, String key) {
    List<String> out = new ArrayList<>(path.size() + 1);
    out.addAll(path);
    out.add(key);
    return List.copyOf(out);
  }
}
