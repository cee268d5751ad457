package dev.warden.workers.graveyard;

import dev.warden.core.WardenSerializable;
import dev.warden.workers.graveyard.legacy.Layout;
import dev.warden.workers.graveyard.legacy.ResumePoint;

/**
 * How far one legacy file has been imported, journaled with each import batch so a crash
 * never loses or repeats records. A file's identity is the SHA-256 of every byte imported so
 * far ({@code prefixHash}, bytes {@code [0, offset)}): if those bytes changed, or the file is
 * now shorter than {@code offset}, it was replaced or truncated. Hashing them again is needed
 * only when the file's {@link FileStamp} changed since the import that read it to its end.
 *
 * @param key {@code <source>:<absolute path>}
 * @param headLength with {@code headHash}, {@code tailLength} and {@code tailHash}: the first
 *     bytes and the bytes before {@code offset}, as imports before whole-file hashes checked
 *     them; 0 and null in progress written since (kept so such progress still verifies)
 * @param recordsImported records imported from this file so far, over all runs
 * @param prefixHash hex SHA-256 of the file's bytes {@code [0, offset)}; null in progress
 *     written before whole-file hashes
 * @param stamp the file as the import that read it to its end found it before reading; null
 *     in the progress of a batch before the last (the file was not read to its end yet)
 * @param rangesQuarantined damaged ranges met in this file so far, over all runs
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
    long recordsImported,
    String prefixHash,
    FileStamp stamp,
    long rangesQuarantined) implements WardenSerializable {

  /** Progress as imports write it now: identity by whole-prefix hash. */
  static FileProgress of(String key, Source source, String path, ResumePoint at, long recordsImported,
      String prefixHash, FileStamp stamp, long rangesQuarantined) {
    return new FileProgress(key, source, path, at.offset(), at.layout(), 0, null, 0, null, recordsImported,
        prefixHash, stamp, rangesQuarantined);
  }

  public ResumePoint resumePoint() {
    return new ResumePoint(offset, layout);
  }

  /** True when damage, and not one intact record, has been met in this file so far. */
  boolean nothingReadable() {
    return recordsImported == 0 && rangesQuarantined > 0;
  }
}
