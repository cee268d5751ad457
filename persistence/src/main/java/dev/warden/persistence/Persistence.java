package dev.warden.persistence;

import dev.warden.core.WorkerKind;
import dev.warden.persistence.checkpoint.Checkpointer;
import dev.warden.persistence.checkpoint.CheckpointerKind;
import java.util.List;

/** What the persistence module adds to a Warden node. */
public final class Persistence {
  private Persistence() {}

  /**
   * The kinds every node with a journal runs: today the {@link Checkpointer}, whose
   * {@code prepare} also creates the journal schema. Pass them to {@code Warden.start} with the
   * worker kinds.
   */
  public static List<WorkerKind<?>> kinds() {
    return List.of(CheckpointerKind.create());
  }
}
