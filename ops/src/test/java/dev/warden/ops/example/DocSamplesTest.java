package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every Java sample in README.md and docs/ is a marked region of an example in this package, so
 * the compiler sees every sample: a sample that no longer compiles, or that drifted from the
 * example it came from, fails here. The examples themselves run in their own tests.
 */
class DocSamplesTest {

  @Test
  void everyJavaSampleIsAMarkedRegionOfACompiledExample() {
    Map<String, Docs.Region> regions = Docs.regions();
    Map<String, String> byText = new HashMap<>();
    regions.values().forEach(r -> byText.put(Docs.normalise(r.text()), r.name()));
    List<String> drifted = new ArrayList<>();
    int samples = 0;
    for (Path page : Docs.pages()) {
      for (Docs.Block b : Docs.blocks(page)) {
        if (!b.language().equals("java")) {
          continue;
        }
        samples++;
        if (!byText.containsKey(Docs.normalise(b.text()))) {
          drifted.add(b.where() + " matches no region // doc:begin NAME of " + regions.keySet() + ":\n" + b.text());
        }
      }
    }
    assertThat(drifted).as("Java samples that are not an example's region (edit the example, then copy it)").isEmpty();
    assertThat(samples).as("Java samples found in the pages").isGreaterThanOrEqualTo(regions.size());
  }

  @Test
  void everyRegionIsShownOnAPage() {
    Set<String> shown = new TreeSet<>();
    for (Path page : Docs.pages()) {
      for (Docs.Block b : Docs.blocks(page)) {
        if (b.language().equals("java")) {
          shown.add(Docs.normalise(b.text()));
        }
      }
    }
    List<String> unshown = new ArrayList<>();
    Docs.regions().values().forEach(r -> {
      if (!shown.contains(Docs.normalise(r.text()))) {
        unshown.add(r.name() + " (" + Docs.root().relativize(r.source()) + ":" + r.line() + ")");
      }
    });
    assertThat(unshown).as("regions no page shows: drop the markers or show the sample").isEmpty();
    assertThat(Docs.regions()).as("regions found").containsKeys("embed", "own-kind", "ledger-jobs");
  }

  @Test
  void everyFenceNamesItsLanguage() {
    List<String> unnamed = new ArrayList<>();
    for (Path page : Docs.pages()) {
      for (Docs.Block b : Docs.blocks(page)) {
        if (b.language().isEmpty()) {
          unnamed.add(b.where());
        }
      }
    }
    assertThat(unnamed).as("fences without a language (a Java sample must not hide in one; use text for plain text)").isEmpty();
  }

  @Test
  void normalisingIgnoresIndentationAndAlignmentButNothingElse() {
    assertThat(Docs.normalise("  a(b);      // c\n\n    d;\n")).isEqualTo(Docs.normalise("a(b); // c\nd;"));
    assertThat(Docs.normalise("a(b);")).isNotEqualTo(Docs.normalise("a(c);"));
    assertThat(Docs.normalise("a(b);")).isNotEqualTo(Docs.normalise("a (b);"));
  }
}
