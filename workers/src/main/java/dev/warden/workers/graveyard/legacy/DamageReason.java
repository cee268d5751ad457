package dev.warden.workers.graveyard.legacy;

/** Why a byte range of a legacy file was quarantined instead of read as a record. */
public enum DamageReason {
  /** A record ended before its closing parenthesis: at end of file or at the next record start. */
  CUT_SHORT,
  /** A record ended inside a string: at end of file or where a later record plainly starts. */
  UNTERMINATED_STRING,
  /** A record framed completely but holds another record inside it: writers interleaved. */
  INTERLEAVED,
  /** A complete list that is not a property list (odd length, non-keyword key, bad token, empty). */
  MALFORMED_RECORD,
  /** Closing parentheses outside any record. */
  STRAY_CLOSE_PAREN,
  /** Text outside any record (symbols, numbers, strings). */
  TOP_LEVEL_ATOM,
  /** Control bytes or invalid UTF-8 outside any record. */
  BINARY_GARBAGE,
  /** A record longer than the configured maximum record size. */
  OVERSIZED,
  /** Lists nested deeper than the configured maximum depth. */
  TOO_DEEP,
  /** Bytes inside a record that are not valid UTF-8. */
  INVALID_UTF8,
  /**
   * A number the legacy daemon could not have used: a float that overflows a double (the Lisp
   * reader signals a floating-point overflow on it, wherever it stands), or an {@code :SL},
   * {@code :TP} or {@code :TIMESTAMP} integer or ratio whose value overflows a double.
   */
  NON_FINITE,
  /**
   * A {@code :TIMESTAMP} further ahead of the importing clock than the configured clock skew:
   * its weight would not decay for years (refused by the importer, not the reader).
   */
  FUTURE_TIMESTAMP
}
