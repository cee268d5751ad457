package dev.warden.workers.graveyard.legacy;

/**
 * Skipping blanks and {@code ;} comments between records, as the Lisp reader does: a byte at a
 * time through a two-state machine ({@link #skipped}), so a reader can stop at a window's end and
 * go on where it stopped.
 */
final class Blanks {
  /** Outside a comment, on blanks only so far. */
  static final int OUTSIDE = 0;
  /** Inside a {@code ;} comment, up to the line break. */
  static final int IN_COMMENT = 1;
  /** A byte that is neither blank nor in a comment. */
  static final int SIGNIFICANT = -1;

  private Blanks() {}

  /**
   * The state after byte {@code b} when skipping blanks and comments in state {@code state}: a
   * line break ends a comment, {@code ;} starts one, a blank keeps outside; any other byte outside
   * a comment is {@link #SIGNIFICANT}.
   */
  static int skipped(byte b, int state) {
    if (b == '\n') {
      return OUTSIDE;
    }
    if (state == IN_COMMENT || b == ';') {
      return IN_COMMENT;
    }
    return Bytes.isSpace(b) ? OUTSIDE : SIGNIFICANT;
  }

  /** Index of the first byte from {@code i} that is neither blank nor in a {@code ;} comment, or {@code limit}. */
  static int blankOrComment(byte[] b, int i, int limit) {
    int state = OUTSIDE;
    for (; i < limit; i++) {
      state = skipped(b[i], state);
      if (state == SIGNIFICANT) {
        return i;
      }
    }
    return limit;
  }
}
