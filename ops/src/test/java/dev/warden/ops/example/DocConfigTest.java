package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.UnknownKeys;
import dev.warden.core.Warden;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every HOCON sample in README.md and docs/ parses, resolves over Warden's defaults, and names only
 * keys some module's reference.conf defines: a renamed or misspelt key in a page fails here.
 */
class DocConfigTest {

  @Test
  void everyHoconSampleParsesAndNamesOnlyKnownKeys() {
    List<String> bad = new ArrayList<>();
    int samples = 0;
    for (Path page : Docs.pages()) {
      for (Docs.Block b : Docs.blocks(page)) {
        if (!b.language().equals("hocon")) {
          continue;
        }
        samples++;
        try {
          Config config = Warden.loadConfig(ConfigFactory.parseString(b.text()));
          UnknownKeys.find(config).forEach(u -> bad.add(b.where() + ": " + u.message()));
        } catch (RuntimeException e) {
          bad.add(b.where() + ": " + e.getMessage());
        }
      }
    }
    assertThat(bad).as("HOCON samples with errors or unknown keys").isEmpty();
    assertThat(samples).as("HOCON samples found").isPositive();
  }
}
