package dev.warden.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * For tests that assert on log lines: captures every event that passes the logger levels at the
 * root logger, in order, each with the MDC it was logged with. Close to detach. (Quiet passing
 * tests are Pekko's {@code LogCapturingExtension}'s job, see logback-test.xml; this one is for
 * reading lines back.) Shared with the other modules through core's test-jar.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root;
  private final ListAppender<ILoggingEvent> appender =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent e) {
          e.prepareForDeferredProcessing(); // the MDC as it is now, on the logging thread
          super.append(e);
        }
      };

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The first event whose message contains {@code fragment}, waiting up to 10 s for it. */
  public ILoggingEvent await(String fragment) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> find(fragment), Optional::isPresent)
        .orElseThrow();
  }

  private Optional<ILoggingEvent> find(String fragment) {
    return events().stream().filter(e -> e.getFormattedMessage().contains(fragment)).findFirst();
  }

  private List<ILoggingEvent> events() {
    synchronized (appender) { // appends hold the appender's lock
      return List.copyOf(appender.list);
    }
  }

  /** Formatted messages so far, oldest first. */
  public List<String> lines() {
    return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Each event's formatted message followed by the messages of its exception's chain, oldest first. */
  public List<String> linesWithCauses() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      StringBuilder s = new StringBuilder(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        s.append(" | caused by ").append(t.getClassName()).append(": ").append(t.getMessage());
      }
      out.add(s.toString());
    }
    return out;
  }

  /** Formatted messages of events at {@code level} (e.g. "ERROR") that match {@code regex}, oldest first. */
  public List<String> at(String level, String regex) {
    return matching(level, regex);
  }

  /** Formatted messages that match {@code regex}, oldest first. */
  public List<String> matching(String regex) {
    Pattern p = Pattern.compile(regex);
    return lines().stream().filter(l -> p.matcher(l).find()).toList();
  }

  /** Formatted messages at {@code level} (e.g. "WARN") that match {@code regex}, oldest first. */
  public List<String> matching(String level, String regex) {
    Pattern p = Pattern.compile(regex);
    return events().stream()
        .filter(e -> e.getLevel().toString().equals(level))
        .map(ILoggingEvent::getFormattedMessage)
        .filter(m -> p.matcher(m).find())
        .toList();
  }

  /** Index of the first line matching {@code regex}, or -1. */
  public int indexOf(String regex) {
    Pattern p = Pattern.compile(regex);
    List<String> all = lines();
    for (int i = 0; i < all.size(); i++) {
      if (p.matcher(all.get(i)).find()) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
