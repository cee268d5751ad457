package dev.warden.workers.graveyard.legacy;

/** What a record holds under one key, as the legacy daemon's checks distinguish it. */
public enum FieldState {
  /** The key is absent. */
  MISSING,
  /** The key is present with value {@code NIL} (or {@code ()}). */
  NIL,
  /** The key holds a number (integer, ratio or decimal). */
  NUMBER,
  /** The key holds anything else: a string, a non-NIL symbol or a list. */
  OTHER
}
