package dev.warden.workers.graveyard;

import dev.warden.core.WardenSerializable;
import dev.warden.persistence.sexp.Layout;
import dev.warden.persistence.sexp.ResumePoint;

/**
 * How far one legacy file has been imported, journaled with each import batch so a crash
 * never loses or repeats records. A file's identity is its first {@code headLength} bytes (as
 * seen at its first import) and the {@code tailLength} bytes just before {@code offset}: if
 * either changed, or the file is now shorter than {@code offset}, it was replaced or truncated.
 *
 * @param key {@code <source>:<absolute path>}
 * @param recordsImported records imported from this file so far, over all runs
 */
public record FileProgress(
    String key,
    Source source,
    String path,
    long offset,
    Layout layout,
    int headLength,
    String headHash,
    int tailLength,
    String tailHash,
    long recordsImported) implements WardenSerializable {

  public ResumePoint resumePoint() {
    return new ResumePoint(offset, layout);
  }
}
