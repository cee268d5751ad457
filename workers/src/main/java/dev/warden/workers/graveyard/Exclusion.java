package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.FieldState;
import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.util.EnumSet;
import java.util.Set;

/** Why a stored record does not fully count towards avoid regions. */
public enum Exclusion {
  /** {@code :TIMESTAMP} present but not a number (e.g. NIL): stored, in no cluster at all. */
  TIMESTAMP_NOT_A_NUMBER,
  /** No numeric {@code :SL}: counted and weighed in its cluster, but no SL bound. */
  NO_NUMERIC_SL,
  /** No numeric {@code :TP}: counted and weighed in its cluster, but no TP bound. */
  NO_NUMERIC_TP,
  /** The stored text could not be parsed again (should not happen): stored, in no index. */
  UNREADABLE;

  static Set<Exclusion> of(LegacyRecord r) {
    Set<Exclusion> out = EnumSet.noneOf(Exclusion.class);
    FieldState ts = r.state(LegacyField.TIMESTAMP);
    if (ts == FieldState.NIL || ts == FieldState.OTHER) {
      out.add(TIMESTAMP_NOT_A_NUMBER);
    }
    if (r.state(LegacyField.SL) != FieldState.NUMBER) {
      out.add(NO_NUMERIC_SL);
    }
    if (r.state(LegacyField.TP) != FieldState.NUMBER) {
      out.add(NO_NUMERIC_TP);
    }
    return out;
  }
}
