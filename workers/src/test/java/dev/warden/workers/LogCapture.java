package dev.warden.workers;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Captures a node's log events at the root logger, each with the MDC it was logged with. */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender =
      new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent e) {
          e.prepareForDeferredProcessing(); // the MDC as it is now, on the logging thread
          super.append(e);
        }
      };

  private LogCapture() {
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
    List<ILoggingEvent> events;
    synchronized (appender) { // appends hold the appender's lock
      events = List.copyOf(appender.list);
    }
    return events.stream().filter(e -> e.getFormattedMessage().contains(fragment)).findFirst();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
  }
}
