package dev.warden.workers.graveyard.legacy;

import java.util.Objects;

/**
 * One quarantined byte range of a legacy file.
 *
 * @param offset absolute byte offset of the first damaged byte in the file
 * @param length number of damaged bytes (may exceed the record size cap; the bytes are not held)
 * @param reason the kind of damage
 * @param detail a short human-readable explanation, bounded in length
 * @param sample the first bytes of the range, at most {@link ReaderSettings#sampleBytes()}
 */
public record Damage(long offset, long length, DamageReason reason, String detail, byte[] sample) {

  public Damage {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(sample, "sample");
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
    }
  }

  /** Offset just past the last damaged byte. */
  public long endOffset() {
    return offset + length;
  }

  @Override
  public String toString() {
    return "Damage[" + reason + " at " + offset + "+" + length + ": " + detail + "]";
  }
}
