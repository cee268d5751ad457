package dev.warden.workers.graveyard.legacy;

/** Byte classes of the Lisp printer's syntax and the record-start rule, shared by scanners. */
final class Bytes {

  static final byte CONSTITUENT = 0;
  static final byte SPACE = 1;
  static final byte NEWLINE = 2;
  static final byte OPEN = 3;
  static final byte CLOSE = 4;
  static final byte QUOTE = 5;
  /** {@code ;}: the Lisp reader skips from it to the end of the line. */
  static final byte COMMENT = 6;

  /** Class of each byte value (index {@code b & 0xff}). */
  static final byte[] CLASS = new byte[256];

  static {
    CLASS[' '] = SPACE;
    CLASS['\t'] = SPACE;
    CLASS['\r'] = SPACE;
    CLASS['\f'] = SPACE;
    CLASS['\n'] = NEWLINE;
    CLASS['('] = OPEN;
    CLASS[')'] = CLOSE;
    CLASS['"'] = QUOTE;
    CLASS[';'] = COMMENT;
  }

  private Bytes() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Appends {@code \xHH} for the byte value {@code c} (0..255). */
  static void appendHexEscape(StringBuilder out, int c) {
    out.append("\\x").append(HEX[c >>> 4]).append(HEX[c & 0xf]);
  }

  static boolean isSpace(byte b) {
    byte c = CLASS[b & 0xff];
    return c == SPACE || c == NEWLINE;
  }

  /** A control byte that never appears in printed text (tab, newline, CR and form feed excepted). */
  static boolean isControl(byte b) {
    return (b >= 0 && b < 0x20 && CLASS[b] == CONSTITUENT) || b == 0x7f;
  }

  /**
   * Given {@code buf[newline] == '\n'}, the index of the record start that follows it, or -1.
   * A record starts with {@code (} at the start of a line; in the single-list layout also with
   * {@code (} after one space (records of the outer list).
   */
  static int recordStartAfter(byte[] buf, int newline, int limit, boolean singleList) {
    int j = newline + 1;
    if (j >= limit) {
      return -1;
    }
    if (buf[j] == '(') {
      return j;
    }
    if (singleList && buf[j] == ' ' && j + 1 < limit && buf[j + 1] == '(') {
      return j + 1;
    }
    return -1;
  }
}
