package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExampleTest {
  @TempDir Path data;

  @Test
  void readmeSnippetRunsAndItsKindAnswers() throws Exception {
    assertThat(EmbeddingExample.run(data.toString())).isEqualTo("hello, world");
    assertThat(data.resolve("warden.mv.db")).exists();
  }

  private static String block(String source, String begin, String end) {
    return source.substring(source.indexOf(begin) + begin.length() + 1, source.indexOf(end)).stripTrailing().stripIndent().strip();
  }

  @Test
  void readmeShowsTheSnippetVerbatim() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/warden/ops/example/EmbeddingExample.java"));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme)
        .contains(block(source, "// README:kind-begin", "  // README:kind-end"))
        .contains(block(source, "// README:begin", "    // README:end"));
  }
}
