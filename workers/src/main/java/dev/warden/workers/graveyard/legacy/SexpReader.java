package dev.warden.workers.graveyard.legacy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Streams the records of a legacy graveyard file one at a time, in bounded memory, never
 * failing on damage: every damaged byte range goes to the {@link QuarantineSink} with its
 * offset and reason, and reading resumes at the next record start.
 *
 * <p>Resynchronisation rules:
 * <ul>
 *   <li>A record start is {@code (} at the start of a line (offset 0 or after {@code \n});
 *       in the {@link Layout#SINGLE_LIST} layout also {@code (} after {@code \n} and one space.
 *       Between records, any {@code (} starts a record.
 *   <li>A record start met outside a string while a record is open cuts that record short:
 *       it is quarantined up to there and the new record is read.
 *   <li>A record start met inside a string cuts the record only if the text from there is an
 *       intact record ending at a line end; otherwise it is part of the string.
 *   <li>Anything else between records (atoms, stray parentheses, binary) is quarantined up
 *       to the next record start, or up to an intact record glued to it without a line break
 *       ({@code (:} where a record that ends at a line end starts). Oversized and too-deep
 *       records are quarantined up to the next record start.
 *   <li>A damaged token inside a record directly followed by such a glued record cuts the
 *       record short there.
 * </ul>
 *
 * <p>Not thread-safe: one reader per thread. Memory is about {@code 3 × maxRecordBytes} plus
 * 256 KiB, whatever the file size.
 */
public final class SexpReader implements Closeable {

  private static final int READ_CHUNK = 256 * 1024;

  private final InputWindow in;
  private final RecordScanner scanner;
  private final DamageReporter damage;
  private final GarbageScan garbage;
  private final int recordWindow;
  private final long startOffset;
  private Layout layout;
  private int pos;
  private long committed;
  private long pendingClose = -1;
  private long records;

  private SexpReader(InputWindow in, ReaderSettings settings, QuarantineSink sink, ResumePoint from) {
    this.in = in;
    this.scanner = new RecordScanner(settings);
    this.damage = new DamageReporter(sink, settings.sampleBytes());
    this.recordWindow = 2 * settings.maxRecordBytes() + 8;
    this.garbage = new GarbageScan(in, scanner, recordWindow);
    this.startOffset = from.offset();
    this.committed = from.offset();
    this.layout = from.layout();
  }

  /** Opens a file to read from its beginning, detecting its layout. */
  public static SexpReader open(Path file, ReaderSettings settings, QuarantineSink sink)
      throws IOException {
    return open(file, ResumePoint.beginning(), settings, sink);
  }

  /**
   * Opens a file to read from a resume point saved by an earlier read.
   *
   * @throws IllegalArgumentException if the offset lies beyond the end of the file (the file
   *     was truncated or replaced since)
   */
  public static SexpReader open(Path file, ResumePoint from, ReaderSettings settings,
      QuarantineSink sink) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (from.offset() > size) {
        throw new IllegalArgumentException("resume offset " + from.offset() + " is beyond the end of "
            + file + " (" + size + " bytes): the file was truncated or replaced");
      }
      long windowStart = Math.max(0, from.offset() - 1);
      int capacity = 2 * settings.maxRecordBytes() + 8 + Math.max(READ_CHUNK, settings.maxRecordBytes());
      InputWindow in = new InputWindow(channel, windowStart, capacity);
      SexpReader reader = new SexpReader(in, settings, sink, from);
      in.ensure(0, capacity);
      reader.pos = (int) (from.offset() - windowStart);
      if (from.layout() == Layout.DETECT) {
        reader.detectLayout();
      }
      return reader;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The next intact record, or null at end of file. Damage met on the way is quarantined. */
  public ReadRecord next() throws IOException {
    while (true) {
      int i = skipSpace(pos);
      if (i < 0) {
        pendingClose = -1;
        return null;
      }
      byte b = in.buf[i];
      if (b == '(') {
        ReadRecord record = recordAt(i);
        if (record != null) {
          return record;
        }
      } else if (b == ')' && layout == Layout.SINGLE_LIST) {
        if (pendingClose >= 0) {
          damage.strayCloseParen(pendingClose);
        }
        pendingClose = in.base + i;
        pos = i + 1;
      } else {
        if (pendingClose >= 0) {
          damage.strayCloseParen(pendingClose);
          pendingClose = -1;
        }
        garbageAt(i);
      }
    }
  }

  /** Reads every remaining record into {@code consumer}; returns how many. */
  public long readAll(Consumer<ReadRecord> consumer) throws IOException {
    long n = 0;
    for (ReadRecord r = next(); r != null; r = next()) {
      consumer.accept(r);
      n++;
    }
    return n;
  }

  /**
   * Quarantines the record {@link #next()} just returned, which the caller refuses (say, for a
   * timestamp far in the future): it goes to the sink with its byte range like any damage, and
   * counts as damaged instead of read in {@link #summary()}. Call it before the next
   * {@code next()}, while the record's bytes are still at hand for the sample.
   */
  public void quarantine(ReadRecord record, DamageReason reason, String detail) {
    int from = (int) (record.startOffset() - in.base);
    if (from < 0 || record.endOffset() != committed) {
      throw new IllegalStateException("only the record next() just returned can be quarantined");
    }
    damage.capture(in.buf, from, (int) Math.min(in.limit, record.endOffset() - in.base));
    damage.report(record.startOffset(), record.endOffset() - record.startOffset(), reason, detail);
    records--;
  }

  /**
   * Where to resume later: just past the last complete record or damaged range. A record or
   * garbage cut by the end of file is not included, so it is read again next time.
   */
  public ResumePoint resumePoint() {
    return new ResumePoint(committed, layout);
  }

  /** The layout in force at the current position. */
  public Layout layout() {
    return layout;
  }

  /** Counts so far. */
  public ReadSummary summary() {
    return new ReadSummary(records, damage.counts(), damage.damagedBytes(),
        in.base + pos - startOffset);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private ReadRecord recordAt(int i) throws IOException {
    if (pendingClose >= 0) {
      boolean lineStart = i > 0 ? in.buf[i - 1] == '\n' : in.base == 0;
      if (lineStart) {
        layout = Layout.RECORD_PER_LINE;
      } else {
        damage.strayCloseParen(pendingClose);
      }
      pendingClose = -1;
    }
    i -= in.ensure(i, recordWindow);
    long start = in.base + i;
    try {
      LegacyRecord record = scanner.scan(in.buf, i, in.limit, in.eof, layout == Layout.SINGLE_LIST);
      pos = scanner.end;
      committed = in.base + pos;
      records++;
      return new ReadRecord(record, start, committed);
    } catch (ScanDamage d) {
      damage.capture(in.buf, i, in.limit);
      int endIndex;
      boolean complete = d.end != ScanDamage.End.EOF;
      if (d.end == ScanDamage.End.SKIP) {
        endIndex = garbage.skipToRecordStart(d.position, layout == Layout.SINGLE_LIST, false);
        complete = endIndex >= 0;
        endIndex = complete ? endIndex : in.limit;
      } else {
        endIndex = d.end == ScanDamage.End.KNOWN ? d.position : in.limit;
      }
      long end = in.base + endIndex;
      damage.report(start, end - start, d.reason, d.getMessage());
      pos = endIndex;
      if (complete) {
        committed = end;
      }
      return null;
    }
  }

  private void garbageAt(int i) throws IOException {
    long start = in.base + i;
    i -= in.ensure(i, READ_CHUNK / 2);
    damage.capture(in.buf, i, in.limit);
    int r = garbage.skipToRecordStart(i, layout == Layout.SINGLE_LIST, true);
    int endIndex = r >= 0 ? r : in.limit;
    long end = in.base + endIndex;
    DamageReason reason = garbage.sawControl() || (garbage.sawHighBytes() && damage.sampleHasInvalidUtf8())
        ? DamageReason.BINARY_GARBAGE
        : garbage.sawCloseParen() ? DamageReason.STRAY_CLOSE_PAREN : DamageReason.TOP_LEVEL_ATOM;
    damage.report(start, end - start, reason, (end - start) + " bytes outside any record");
    pos = endIndex;
    if (r >= 0) {
      committed = end;
    }
  }

  /** Index of the next byte from {@code i} that is neither blank nor in a comment, or -1 at end of file. */
  private int skipSpace(int i) throws IOException {
    int state = Blanks.OUTSIDE;
    while (true) {
      if (i >= in.limit) {
        if (in.eof) {
          pos = in.limit;
          return -1;
        }
        i -= in.ensure(i, 3);
        continue;
      }
      state = Blanks.skipped(in.buf[i], state); // a comment between records is skipped, as the Lisp reader does
      if (state == Blanks.SIGNIFICANT) {
        pos = i;
        return i;
      }
      i++;
    }
  }

  private void detectLayout() {
    LayoutDetection.Detected detected = LayoutDetection.detect(in.buf, pos, in.limit);
    layout = detected.layout();
    if (detected.start() >= 0) {
      pos = detected.start();
      committed = detected.start();
    }
  }
}
