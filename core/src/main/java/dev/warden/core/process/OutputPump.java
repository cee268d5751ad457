package dev.warden.core.process;

import dev.warden.core.DataFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;

/**
 * Reads one output stream of a process line by line on its own thread (never an actor's), with
 * bounded memory whatever the process prints: lines are cut at {@code maxLineBytes}, the per-job
 * log stops at {@code maxLogBytes}, and the node log gets at most {@code linesPerSecond} lines
 * with a count of the rest. Protocol lines go to {@code protocol}:
 * <ul>
 *   <li>any line is a sign of life (throttled by the owner);
 *   <li>{@code WARDEN:HEARTBEAT} is an explicit one;
 *   <li>{@code WARDEN:RESULT {json}} carries the result.
 * </ul>
 */
final class OutputPump implements Runnable {
  static final String HEARTBEAT = "WARDEN:HEARTBEAT";
  static final String RESULT = "WARDEN:RESULT ";

  /** What the pump saw, for the owning actor. */
  interface Sink {
    void alive();

    void result(String json);
  }

  private final InputStream in;
  private final String name;
  private final Logger log;
  private final OutputStream jobLog;
  private final Sink sink;
  private final int maxLineBytes;
  private final long maxLogBytes;
  private final int linesPerSecond;
  private long logged;
  private long secondStart = System.nanoTime();
  private int inSecond;
  private long suppressed;

  OutputPump(InputStream in, String name, Logger log, OutputStream jobLog, Sink sink, ProcessSpec spec) {
    this.in = in;
    this.name = name;
    this.log = log;
    this.jobLog = jobLog;
    this.sink = sink;
    this.maxLineBytes = spec.maxLineBytes();
    this.maxLogBytes = spec.maxLogBytes();
    this.linesPerSecond = spec.logLinesPerSecond();
  }

  @Override
  public void run() {
    byte[] buf = new byte[8192];
    byte[] line = new byte[maxLineBytes];
    int len = 0;
    long cut = 0;
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            emit(line, len, cut);
            len = 0;
            cut = 0;
          } else if (len < line.length) {
            line[len++] = b;
          } else {
            cut++;
          }
        }
      }
      if (len > 0) {
        emit(line, len, cut);
      }
    } catch (IOException e) {
      log.debug("{}: output closed: {}", name, e.toString());
    } finally {
      if (suppressed > 0) {
        log.info("{}: {} more output lines not copied to this log (see the job log)", name, suppressed);
      }
    }
  }

  private void emit(byte[] bytes, int len, long cut) throws IOException {
    int end = len > 0 && bytes[len - 1] == '\r' ? len - 1 : len;
    String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
    sink.alive();
    if (text.startsWith(RESULT)) {
      sink.result(text.substring(RESULT.length()).trim());
    }
    if (jobLog != null && logged < maxLogBytes) {
      String tail = (cut > 0 ? "...[" + cut + " bytes cut]" : "") + "\n";
      logged += end + tail.length();
      if (logged >= maxLogBytes) {
        tail += "[warden: job log reached its cap of " + maxLogBytes + " bytes; further output dropped]\n";
      }
      byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[end + t.length];
      System.arraycopy(bytes, 0, out, 0, end);
      System.arraycopy(t, 0, out, end, t.length);
      synchronized (jobLog) { // stdout and stderr pumps share the job log: one write per line
        jobLog.write(out);
        jobLog.flush();
      }
    }
    if (text.equals(HEARTBEAT)) {
      return;
    }
    long now = System.nanoTime();
    if (now - secondStart >= 1_000_000_000L) {
      if (suppressed > 0) {
        log.info("{}: {} output lines not copied to this log in the last second", name, suppressed);
        suppressed = 0;
      }
      secondStart = now;
      inSecond = 0;
    }
    if (inSecond < linesPerSecond) {
      inSecond++;
      log.info("{}: {}{}", name, text, cut > 0 ? "...[" + cut + " bytes cut]" : "");
    } else {
      suppressed++;
    }
  }

  /**
   * Opens (appends to) a per-job log file, creating its directory, both owner-only
   * ({@code warden.data-dir-mode} / {@code data-file-mode}: a job's output may carry its data);
   * null (and a warning) if it cannot.
   */
  static OutputStream openJobLog(java.nio.file.Path file, String name, DataFiles files, Logger log) {
    try {
      if (file.getParent() != null) {
        files.directory(file.getParent(), "job log directory");
      }
      return java.nio.file.Files.newOutputStream(files.file(file), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException | IllegalArgumentException e) {
      log.warn("process [{}]: cannot open job log [{}]: {}", name, file, e.toString());
      return null;
    }
  }
}
