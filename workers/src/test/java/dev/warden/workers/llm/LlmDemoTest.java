package dev.warden.workers.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmDemoTest {
  @TempDir Path dir;

  @Test
  void demoShowsTheHungCallReapedAndRetriedAndTheLateAnswerDiscarded() {
    List<String> lines = LlmDemo.run(dir);
    String all = String.join("\n", lines);
    assertThat(all).contains("answered on the retry").contains("answered on time").contains("a fine answer");
    assertThat(lines).anyMatch(l -> l.contains("demo-hangs") && l.contains("Reaped#1") && l.contains("Completed#2"));
    assertThat(lines).anyMatch(l -> l.contains("demo-late") && l.contains("Reaped#1") && l.contains("Completed#2"));
    assertThat(all).contains("2 call(s) aborted");
  }
}
