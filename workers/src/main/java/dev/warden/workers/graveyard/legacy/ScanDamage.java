package dev.warden.workers.graveyard.legacy;

/**
 * Raised inside the scanner when the record being read is damaged. Carries no stack trace:
 * damage is expected input, not a bug.
 */
final class ScanDamage extends Exception {

  /** How the damaged range ends. */
  enum End {
    /** At {@link #position}: the end of the framed record, or the next record start. */
    KNOWN,
    /** Unknown: skip from {@link #position} to the next record start. */
    SKIP,
    /** At the end of the available bytes (end of file). */
    EOF
  }

  final DamageReason reason;
  final End end;
  final int position;

  ScanDamage(DamageReason reason, String detail, End end, int position) {
    super(detail, null, false, false);
    this.reason = reason;
    this.end = end;
    this.position = position;
  }
}
