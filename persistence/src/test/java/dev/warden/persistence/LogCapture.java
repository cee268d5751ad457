package dev.warden.persistence;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/** Captures every log event that passes the logger levels, in order. Close to detach. */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root;

  public LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
  }

  /** Formatted messages so far, oldest first. */
  public List<String> lines() {
    synchronized (appender) {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : appender.list) {
        out.add(e.getFormattedMessage());
      }
      return out;
    }
  }

  /** Each event's formatted message followed by the messages of its exception's chain, oldest first. */
  public List<String> linesWithCauses() {
    synchronized (appender) {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : appender.list) {
        StringBuilder s = new StringBuilder(e.getFormattedMessage());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          s.append(" | caused by ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        out.add(s.toString());
      }
      return out;
    }
  }

  /** Formatted messages of events at {@code level} (e.g. "ERROR") that match {@code regex}. */
  public List<String> at(String level, String regex) {
    Pattern p = Pattern.compile(regex);
    synchronized (appender) {
      return appender.list.stream()
          .filter(e -> e.getLevel().toString().equals(level))
          .map(ILoggingEvent::getFormattedMessage)
          .filter(m -> p.matcher(m).find())
          .toList();
    }
  }

  public List<String> matching(String regex) {
    Pattern p = Pattern.compile(regex);
    return lines().stream().filter(l -> p.matcher(l).find()).toList();
  }

  /** Formatted messages at {@code level} (e.g. "WARN") that match {@code regex}, oldest first. */
  public List<String> matching(String level, String regex) {
    Pattern p = Pattern.compile(regex);
    List<String> out = new ArrayList<>();
    synchronized (appender) {
      for (ILoggingEvent e : appender.list) {
        if (e.getLevel().toString().equals(level) && p.matcher(e.getFormattedMessage()).find()) {
          out.add(e.getFormattedMessage());
        }
      }
    }
    return out;
  }

  /** Index of the first line matching {@code regex}, or -1. */
  int indexOf(String regex) {
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
