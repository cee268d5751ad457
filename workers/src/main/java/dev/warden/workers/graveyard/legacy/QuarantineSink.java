package dev.warden.workers.graveyard.legacy;

/**
 * Receives each damaged byte range as the reader finds it. Called on the reading thread,
 * in file order. An implementation must bound what it keeps: real files hold tens of
 * thousands of damaged ranges.
 */
@FunctionalInterface
public interface QuarantineSink {

  /** Takes one damaged range; an unchecked exception aborts the read. */
  void accept(Damage damage);

  /** A sink that keeps nothing (the reader still counts damage in its {@link ReadSummary}). */
  static QuarantineSink discard() {
    return damage -> { };
  }
}
