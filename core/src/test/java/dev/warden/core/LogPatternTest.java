package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The node's log pattern ({@code conf/logback.xml}) shows a line's kind and job id, and nothing where it has none. */
class LogPatternTest {

  private static String line(String logger, String message, Map<String, String> mdc) throws Exception {
    Matcher m = Pattern.compile("<pattern>(.*)</pattern>").matcher(Files.readString(Path.of("..", "conf", "logback.xml")));
    assertThat(m.find()).as("conf/logback.xml has a pattern").isTrue();
    PatternLayout layout = new PatternLayout();
    layout.setContext(new LoggerContext());
    layout.setPattern(m.group(1));
    layout.start();
    LoggingEvent e = new LoggingEvent();
    e.setLoggerName(logger);
    e.setLevel(Level.WARN);
    e.setMessage(message);
    e.setTimeStamp(0);
    e.setMDCPropertyMap(mdc);
    return layout.doLayout(e);
  }

  @Test
  void aLineShowsItsKindAndJobIdWhenItHasThemAndStaysShortWhenNot() throws Exception {
    assertThat(line("dev.warden.core.Warden", "node up", Map.of()))
        .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  dev\\.warden\\.core\\.Warden - node up\\R");
    assertThat(line("dev.warden.workers.llm.LlmCoordinator", "idle", Map.of(WardenMdc.KIND, "llm", "pekkoSource", "x")))
        .endsWith("LlmCoordinator kind=llm - idle" + System.lineSeparator());
    assertThat(line("dev.warden.workers.trial.TrialWorker", "braked",
            Map.of(WardenMdc.KIND, "trial", WardenMdc.JOB_ID, "trial/study/3")))
        .endsWith("TrialWorker kind=trial jobId=trial/study/3 - braked" + System.lineSeparator());
  }
}
