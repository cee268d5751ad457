package dev.warden.core.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The environment variables that hold the node's credentials: the values of every {@code warden.*}
 * key ending in {@code -env} ({@code warden.http.token-env}, {@code warden.persistence.password-env},
 * an llm endpoint's {@code api-key-env}, ...). A child process (a trial job's command line, a build)
 * is an unsafe job: it does not inherit them.
 */
final class SecretEnv {
  private SecretEnv() {}

  static Set<String> names(Config config) {
    if (!config.hasPath("warden")) {
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : config.getConfig("warden").entrySet()) {
      if (e.getKey().endsWith("-env") && e.getValue().valueType() == ConfigValueType.STRING) {
        String name = ((String) e.getValue().unwrapped()).strip();
        if (!name.isEmpty()) {
          out.add(name);
        }
      }
    }
    return out;
  }
}
