package dev.warden.persistence.sexp;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes damaged ranges to a side file, one line each, so the bytes can be found again in the
 * source file: {@code offset <TAB> length <TAB> REASON <TAB> detail <TAB> sample}. The sample is
 * the range's first bytes with anything outside printable ASCII escaped as {@code \xNN}; every
 * line is bounded. After {@code maxEntries} lines, further ranges are only counted, and
 * {@link #close()} writes one line saying how many were left out. Appends, so successive
 * incremental imports of one file share one side file. Lines starting with {@code #} are
 * comments.
 */
public final class FileQuarantineSink implements QuarantineSink, Closeable {

  private static final int MAX_DETAIL = 200;

  private final BufferedWriter out;
  private final Path file;
  private final long maxEntries;
  private long written;
  private long suppressed;

  private FileQuarantineSink(Path file, BufferedWriter out, long maxEntries) {
    this.file = file;
    this.out = out;
    this.maxEntries = maxEntries;
  }

  /**
   * Opens (creating or appending to) a side file for damage found in {@code source}.
   *
   * @param maxEntries lines written at most by this sink; must be positive
   */
  public static FileQuarantineSink open(Path sideFile, Path source, long maxEntries) throws IOException {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be > 0, but was " + maxEntries);
    }
    BufferedWriter out = Files.newBufferedWriter(sideFile, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    out.write("# quarantine of " + source + ": offset\tlength\treason\tdetail\tsample");
    out.newLine();
    return new FileQuarantineSink(sideFile, out, maxEntries);
  }

  @Override
  public void accept(Damage damage) {
    if (written >= maxEntries) {
      suppressed++;
      return;
    }
    try {
      out.write(damage.offset() + "\t" + damage.length() + "\t" + damage.reason() + "\t"
          + oneLine(damage.detail()) + "\t" + escape(damage.sample()));
      out.newLine();
      written++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write quarantine file " + file, e);
    }
  }

  /** Lines written so far. */
  public long written() {
    return written;
  }

  /** Ranges received but not written because {@code maxEntries} was reached. */
  public long suppressed() {
    return suppressed;
  }

  @Override
  public void close() throws IOException {
    try {
      if (suppressed > 0) {
        out.write("# " + suppressed + " further damaged ranges not listed (limit " + maxEntries + ")");
        out.newLine();
      }
    } finally {
      out.close();
    }
  }

  private static String oneLine(String detail) {
    String s = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail;
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  static String escape(byte[] sample) {
    StringBuilder s = new StringBuilder(sample.length + 8);
    for (byte b : sample) {
      int c = b & 0xff;
      if (c == '\\') {
        s.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f) {
        s.append((char) c);
      } else {
        Bytes.appendHexEscape(s, c);
      }
    }
    return s.toString();
  }
}
