package dev.warden.workers.graveyard.legacy;

/**
 * Limits of the streaming reader. The reader's memory is about {@code 2 × maxRecordBytes}
 * plus a fixed read buffer, whatever the file size.
 *
 * @param maxRecordBytes longest record accepted, in bytes; longer ones are quarantined as
 *     {@link DamageReason#OVERSIZED}. 1 KiB to 16 MiB.
 * @param maxDepth deepest list nesting accepted, the record's own list counting as 1; deeper
 *     is {@link DamageReason#TOO_DEEP}. 1 to 1024.
 * @param sampleBytes how many leading bytes of each damaged range are handed to the
 *     quarantine sink. 0 to 4096.
 */
public record ReaderSettings(int maxRecordBytes, int maxDepth, int sampleBytes) {

  /** Default maximum record size: 64 KiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;
  /** Default maximum nesting depth: 32. */
  public static final int DEFAULT_MAX_DEPTH = 32;
  /** Default damage sample size: 256 bytes. */
  public static final int DEFAULT_SAMPLE_BYTES = 256;

  public ReaderSettings {
    check("maxRecordBytes", maxRecordBytes, 1024, 16 * 1024 * 1024);
    check("maxDepth", maxDepth, 1, 1024);
    check("sampleBytes", sampleBytes, 0, 4096);
  }

  /** 64 KiB records, depth 32, 256-byte samples. */
  public static ReaderSettings defaults() {
    return new ReaderSettings(DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_SAMPLE_BYTES);
  }

  /** A copy with another maximum record size. */
  public ReaderSettings withMaxRecordBytes(int bytes) {
    return new ReaderSettings(bytes, maxDepth, sampleBytes);
  }

  /** A copy with another maximum depth. */
  public ReaderSettings withMaxDepth(int depth) {
    return new ReaderSettings(maxRecordBytes, depth, sampleBytes);
  }

  private static void check(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be in [" + min + ", " + max + "], but was " + value);
    }
  }
}
