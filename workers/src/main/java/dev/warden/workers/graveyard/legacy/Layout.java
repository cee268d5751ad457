package dev.warden.workers.graveyard.legacy;

/** How records are laid out in a legacy file. */
public enum Layout {
  /** Not known yet: decide from the file's first bytes (only valid when reading from offset 0). */
  DETECT,
  /** One record per top-level list, each starting with {@code (} at the start of a line. */
  RECORD_PER_LINE,
  /**
   * The older layout: the file is one list of records, {@code ((:NAME ...)\n (:NAME ...))};
   * each record starts a line indented one space (the first right after the outer parenthesis).
   */
  SINGLE_LIST
}
