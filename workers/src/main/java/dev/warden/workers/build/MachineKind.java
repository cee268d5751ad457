package dev.warden.workers.build;

import java.util.Locale;

/** What a drone runs on, as it says at registration. Decides whether the ladder may reboot it. */
public enum MachineKind {
  VM,
  CONTAINER,
  BARE_METAL,
  UNKNOWN;

  /**
   * A reboot is refused where nobody could power the machine back on remotely (bare metal) or
   * nobody knows what it is.
   */
  public boolean mayReboot() {
    return this == VM || this == CONTAINER;
  }

  /** {@code vm}, {@code container}, {@code bare-metal} or {@code unknown}, any case. */
  public static MachineKind parse(String s) {
    for (MachineKind k : values()) {
      if (k.wire().equalsIgnoreCase(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException("machine kind must be vm, container, bare-metal or unknown, but was [" + s + "]");
  }

  /** Its name in the drone protocol. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
