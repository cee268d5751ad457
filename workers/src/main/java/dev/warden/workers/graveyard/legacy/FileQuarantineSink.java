package dev.warden.workers.graveyard.legacy;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes damaged ranges to a side file, one line each, so the bytes can be found again in the
 * source file: {@code offset <TAB> length <TAB> REASON <TAB> detail <TAB> sample}. The sample is
 * the range's first bytes with anything outside printable ASCII escaped as {@code \xNN}; every
 * line is bounded. After {@code maxEntries} lines, further ranges are only counted, and
 * {@link #close()} writes one line saying how many were left out. Lines starting with {@code #}
 * are comments; the header is written once, when the file is created (owner-only).
 *
 * <p>Successive incremental imports of one file share one side file, and it survives a crash
 * whole: lines are buffered and written whole ({@link #flush()}, which an import calls before
 * each journal batch, so the journal never records progress past damage not yet written); a
 * line torn by a kill in the middle of a write is cut away when the file is opened again; and a
 * range at or before the last offset already listed is not written again, since a re-run after
 * a crash re-reads from the last journaled offset and meets the same damage in the same order.
 */
public final class FileQuarantineSink implements QuarantineSink, Flushable, Closeable {

  private static final int MAX_DETAIL = 200;
  /** Buffered line bytes written out at once. */
  private static final int FLUSH_AT = 64 * 1024;
  /** Bytes read per step when looking back for the last line; longer than any line written. */
  private static final int BLOCK = 32 * 1024;
  /** Comment lines looked back over at most when looking for the last listed offset. */
  private static final int MAX_LINES_BACK = 1000;

  private final FileChannel out;
  private final Path file;
  private final long maxEntries;
  private final long listedUpTo;
  private byte[] pending = new byte[FLUSH_AT + 1024];
  private int pendingLength;
  private long position;
  private long written;
  private long suppressed;
  private long alreadyListed;

  private FileQuarantineSink(Path file, FileChannel out, long maxEntries, long listedUpTo) throws IOException {
    this.file = file;
    this.out = out;
    this.maxEntries = maxEntries;
    this.listedUpTo = listedUpTo;
    this.position = out.size();
  }

  /**
   * Opens (creating, or repairing and appending to) a side file for damage found in
   * {@code source}.
   *
   * @param maxEntries lines written at most by this sink; must be positive
   */
  public static FileQuarantineSink open(Path sideFile, Path source, long maxEntries) throws IOException {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be > 0, but was " + maxEntries);
    }
    boolean created = create(sideFile);
    FileChannel ch = FileChannel.open(sideFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long listedUpTo = created ? -1 : repairAndFindLastOffset(ch);
      FileQuarantineSink sink = new FileQuarantineSink(sideFile, ch, maxEntries, listedUpTo);
      if (created || ch.size() == 0) {
        sink.append("# quarantine of " + source + ": offset\tlength\treason\tdetail\tsample");
        sink.flush();
      }
      return sink;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static boolean create(Path sideFile) throws IOException {
    try {
      if (sideFile.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(sideFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(sideFile);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /**
   * Cuts a torn last line (no line break: a write cut short by a kill) and answers the offset
   * of the last range listed, or -1 if none can be found.
   */
  private static long repairAndFindLastOffset(FileChannel ch) throws IOException {
    long size = ch.size();
    long end = size;
    ByteBuffer buf = ByteBuffer.allocate(BLOCK);
    // end of the last whole line
    while (end > 0) {
      int n = read(ch, buf, Math.max(0, end - BLOCK), end);
      int nl = lastIndexOf(buf.array(), n, (byte) '\n');
      if (nl >= 0) {
        end = end - n + nl + 1;
        break;
      }
      end -= n;
    }
    if (end < size) {
      ch.truncate(end);
    }
    for (int lines = 0; end > 0 && lines < MAX_LINES_BACK; lines++) {
      long lineEnd = end - 1; // at its '\n'
      long from = Math.max(0, lineEnd - BLOCK);
      int n = read(ch, buf, from, lineEnd);
      int nl = lastIndexOf(buf.array(), n, (byte) '\n');
      if (nl < 0 && from > 0) {
        return -1; // a line longer than any this sink writes: not ours, list everything
      }
      int start = nl + 1;
      if (start < n && buf.get(start) != '#') {
        return leadingNumber(buf.array(), start, n);
      }
      end = from + start;
    }
    return -1;
  }

  private static int read(FileChannel ch, ByteBuffer buf, long from, long to) throws IOException {
    buf.clear().limit((int) (to - from));
    long at = from;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    return buf.position();
  }

  private static int lastIndexOf(byte[] b, int length, byte value) {
    for (int i = length - 1; i >= 0; i--) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static long leadingNumber(byte[] b, int from, int to) {
    long v = 0;
    int i = from;
    for (; i < to && b[i] >= '0' && b[i] <= '9' && i - from < 18; i++) {
      v = v * 10 + (b[i] - '0');
    }
    return i > from && i < to && b[i] == '\t' ? v : -1;
  }

  @Override
  public void accept(Damage damage) {
    if (damage.offset() <= listedUpTo) {
      alreadyListed++;
      return;
    }
    if (written >= maxEntries) {
      suppressed++;
      return;
    }
    append(damage.offset() + "\t" + damage.length() + "\t" + damage.reason() + "\t"
        + oneLine(damage.detail()) + "\t" + escape(damage.sample()));
    written++;
  }

  /** Writes the buffered lines, whole, to the file. */
  @Override
  public void flush() {
    try {
      ByteBuffer b = ByteBuffer.wrap(pending, 0, pendingLength);
      while (b.hasRemaining()) {
        position += out.write(b, position);
      }
      pendingLength = 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write quarantine file " + file, e);
    }
  }

  private void append(String text) {
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    if (pendingLength + bytes.length > pending.length) {
      flush();
      if (bytes.length > pending.length) {
        pending = new byte[bytes.length];
      }
    }
    System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
    pendingLength += bytes.length;
    if (pendingLength >= FLUSH_AT) {
      flush();
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

  /** Ranges received but not written because the file already lists them (a re-run after a crash). */
  public long alreadyListed() {
    return alreadyListed;
  }

  @Override
  public void close() throws IOException {
    try {
      if (suppressed > 0) {
        append("# " + suppressed + " further damaged ranges not listed (limit " + maxEntries + ")");
      }
      flush();
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
