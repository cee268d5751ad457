package dev.warden.workers.build;

/** The self-healing ladder, mildest first; each level's command and cooldown are configured. */
public enum EscalationLevel {
  RESTART_SERVICE("restart-service"),
  HARD_RESTART("hard-restart"),
  REBOOT("reboot"),
  ALERT("alert");

  private final String key;

  EscalationLevel(String key) {
    this.key = key;
  }

  /** Its key under {@code warden.build.healing.ladder}. */
  public String key() {
    return key;
  }

  /** The level after this one; alert is the top and repeats. */
  public EscalationLevel next() {
    return this == ALERT ? ALERT : values()[ordinal() + 1];
  }
}
