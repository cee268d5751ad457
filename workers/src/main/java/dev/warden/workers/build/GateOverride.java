package dev.warden.workers.build;

/** An operator's explicit override of the release gate: who, and why. Both are journaled. */
public record GateOverride(String by, String why) {
  public GateOverride {
    Checks.id("by", by);
    if (why == null || why.isBlank()) {
      throw new IllegalArgumentException("why must say why the release is promoted with packages not ready");
    }
  }
}
