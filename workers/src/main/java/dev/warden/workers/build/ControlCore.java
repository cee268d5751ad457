package dev.warden.workers.build;

import java.time.Instant;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * The {@link ControlPlane}'s state: the decision core, and how it is recovered. Until the recovery completes
 * the core is being rebuilt from the newest {@link BuildSnapshot} (if any) and the journal rows after it; once
 * live, the core applies its own events as it decides them, so the journaled rows change nothing here.
 */
final class ControlCore {
  final BuildControl control;
  private final boolean fromSnapshot;
  private boolean live;
  private long replayedRows;

  private ControlCore(BuildControl control, boolean fromSnapshot) {
    this.control = control;
    this.fromSnapshot = fromSnapshot;
  }

  static ControlCore empty(BuildSettings settings) {
    return new ControlCore(BuildControl.recovering(settings, null), false);
  }

  /** Snapshots are made on the actor's thread, as an immutable copy the snapshot store serializes at leisure. */
  static SnapshotAdapter<ControlCore> snapshots(BuildSettings settings) {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(ControlCore core) {
        return core.control.snapshot();
      }

      @Override
      public ControlCore fromJournal(Object from) {
        return new ControlCore(BuildControl.recovering(settings, (BuildSnapshot) from), true);
      }
    };
  }

  /** A journal row: applied while recovering, already applied once live. */
  ControlCore replayed(ControlPlane.Decided row) {
    if (!live) {
      row.events().forEach(control::replayed);
      replayedRows++;
    }
    return this;
  }

  /** The recovery completed at {@code now}. */
  void resume(Instant now) {
    control.resume(now);
    live = true;
  }

  boolean fromSnapshot() {
    return fromSnapshot;
  }

  /** Rows replayed by the recovery (after the snapshot, when there was one). */
  long replayedRows() {
    return replayedRows;
  }
}
