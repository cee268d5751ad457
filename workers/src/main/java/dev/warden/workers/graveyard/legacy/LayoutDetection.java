package dev.warden.workers.graveyard.legacy;

/**
 * Tells a legacy file's {@link Layout} from its first bytes: after a UTF-8 byte-order mark,
 * blanks and comments, {@code ((:} opens the single-list layout; anything else is one record per
 * line (a file opening with {@code (((} starts with a damaged record, quarantined from its first
 * byte).
 */
final class LayoutDetection {
  private LayoutDetection() {}

  /** The layout, and the index reading starts at: past the mark, or the first record of a single list; -1 to stay. */
  record Detected(Layout layout, int start) {}

  /** Detects the layout of the file whose first {@code limit} bytes are in {@code b}, reading from {@code pos}. */
  static Detected detect(byte[] b, int pos, int limit) {
    int i = pos;
    int start = -1;
    if (limit >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      i = 3;
      start = 3;
    }
    i = Blanks.blankOrComment(b, i, limit);
    int j = Blanks.blankOrComment(b, i + 1, limit);
    // the outer list holds property lists: "((:". A file opening with "(((" starts with a
    // record that is damaged (nested too deep, say), to be quarantined from its first byte.
    int k = j < limit ? Blanks.blankOrComment(b, j + 1, limit) : limit;
    if (i < limit && b[i] == '(' && j < limit && b[j] == '(' && k < limit && b[k] == ':') {
      return new Detected(Layout.SINGLE_LIST, j);
    }
    return new Detected(Layout.RECORD_PER_LINE, start);
  }
}
