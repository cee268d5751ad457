package dev.warden.workers.graveyard.legacy;

import java.util.Objects;

/**
 * Where a later read of the same file should start: just past the last record or damaged
 * range that was complete, and the layout in force there. An import stores it per file so a
 * re-run reads only appended bytes. A record cut short by end of file is not complete: it is
 * read again next time (a writer may have been in the middle of appending it).
 *
 * @param offset absolute byte offset
 * @param layout the layout at that offset; {@link Layout#DETECT} only at offset 0
 */
public record ResumePoint(long offset, Layout layout) {

  public ResumePoint {
    Objects.requireNonNull(layout, "layout");
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, but was " + offset);
    }
    if (layout == Layout.DETECT && offset != 0) {
      throw new IllegalArgumentException("layout DETECT needs offset 0, but offset was " + offset);
    }
  }

  /** The beginning of a file whose layout is to be detected. */
  public static ResumePoint beginning() {
    return new ResumePoint(0, Layout.DETECT);
  }
}
