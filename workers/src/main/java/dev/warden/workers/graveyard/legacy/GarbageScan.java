package dev.warden.workers.graveyard.legacy;

import java.io.IOException;

/**
 * Skips damaged bytes up to the next record start, streaming through the window so a damaged
 * range of any length costs no memory, and notes what kinds of bytes it saw.
 */
final class GarbageScan {

  private final InputWindow in;
  private final RecordScanner scanner;
  private final int recordWindow;
  private boolean control;
  private boolean closeParen;
  private boolean highBytes;

  GarbageScan(InputWindow in, RecordScanner scanner, int recordWindow) {
    this.in = in;
    this.scanner = scanner;
    this.recordWindow = recordWindow;
  }

  /**
   * Index of the next record start at or after {@code from}'s following line, or -1 at end of
   * file. With {@code classify} (garbage between records) also an intact record glued to the
   * garbage without a line break ({@code (:} ... ending at a line end). May compact the window:
   * indices held by the caller other than the result are stale.
   */
  int skipToRecordStart(int from, boolean singleList, boolean classify) throws IOException {
    control = false;
    closeParen = false;
    highBytes = false;
    int i = from;
    while (true) {
      if (i >= in.limit - 2 && !in.eof) {
        i -= in.ensure(i, 3);
      }
      if (i >= in.limit) {
        return -1;
      }
      byte b = in.buf[i];
      if (b == '\n') {
        int start = Bytes.recordStartAfter(in.buf, i, in.limit, singleList);
        if (start >= 0) {
          return start;
        }
      } else if (classify) {
        if (b == '(' && i + 1 < in.limit && in.buf[i + 1] == ':') {
          int shift = in.ensure(i, recordWindow);
          i -= shift;
          if (scanner.intactRecordAt(in.buf, i, in.limit, in.eof, singleList)) {
            return i;
          }
        }
        control |= Bytes.isControl(b);
        closeParen |= b == ')';
        highBytes |= b < 0;
      }
      i++;
    }
  }

  boolean sawControl() {
    return control;
  }

  boolean sawCloseParen() {
    return closeParen;
  }

  boolean sawHighBytes() {
    return highBytes;
  }
}
