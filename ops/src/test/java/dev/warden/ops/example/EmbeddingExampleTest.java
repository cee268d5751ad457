package dev.warden.ops.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingExampleTest {
  @TempDir Path data;

  @Test
  void ownKindSnippetRunsAndItsKindAnswers() throws Exception {
    assertThat(EmbeddingExample.run(data.toString())).isEqualTo("hello, world");
    assertThat(data.resolve("warden.mv.db")).exists();
  }

  @Test
  void readmeSnippetRunsAJobThroughTheLedger() throws Exception {
    assertThat(EmbeddingExample.runJob(data.toString())).isEqualTo("hello, world");
    assertThat(data.resolve("warden.mv.db")).exists();
  }

  private static String block(String source, String begin, String end) {
    return source.substring(source.indexOf(begin) + begin.length() + 1, source.indexOf(end)).stripTrailing().stripIndent().strip();
  }

  @Test
  void pagesShowTheSnippetsVerbatim() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/warden/ops/example/EmbeddingExample.java"));
    assertThat(Files.readString(Path.of("../docs/embedding.md")))
        .contains(block(source, "// doc:begin own-kind", "  // doc:end own-kind\n"))
        .contains(block(source, "// doc:begin own-kind-start", "    // doc:end own-kind-start\n"));
    assertThat(Files.readString(Path.of("../README.md")))
        .contains(block(source, "// doc:begin embed", "    // doc:end embed\n"));
  }
}
