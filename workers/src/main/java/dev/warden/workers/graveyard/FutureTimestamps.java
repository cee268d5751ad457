package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import dev.warden.workers.graveyard.legacy.SexpNumber;
import java.time.Duration;
import java.time.Instant;

/**
 * Refuses records whose {@code :TIMESTAMP} lies further ahead of the import's clock than the
 * allowed clock skew: weighed by the legacy formula, such a record's weight grows without bound
 * and its region never decays (one record timestamped centuries ahead outweighs every other).
 * The importer quarantines them as {@code FUTURE_TIMESTAMP} with their byte range.
 */
final class FutureTimestamps {
  /** Beyond this (universal seconds) an instant cannot be printed: the number is shown alone. */
  private static final double PRINTABLE = 3e16;

  private final Instant now;
  private final Duration skew;
  private final double latest;

  FutureTimestamps(Instant now, Duration skew) {
    this.now = now;
    this.skew = skew;
    this.latest = Decay.universal(now) + skew.toNanos() / 1e9;
  }

  /** Why the record is refused, or null when its timestamp is missing, not a number or not ahead. */
  String refusal(LegacyRecord r) {
    SexpNumber ts = r.number(LegacyField.TIMESTAMP);
    if (ts == null || !(ts.value() > latest)) {
      return null;
    }
    String at = ts.value() < PRINTABLE ? " (" + Decay.instant(ts.value()) + ")" : "";
    return ":TIMESTAMP " + abbreviated(ts.text()) + at + " is more than " + skew
        + " ahead of the import's clock (" + now + "; warden.graveyard.import.max-clock-skew)";
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 20) + "...";
  }
}
