package dev.warden.persistence.checkpoint;

import dev.warden.core.KindContext;
import dev.warden.persistence.PersistenceSettings;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The checkpointer kind on a server database (PostgreSQL), which checkpoints itself: nothing runs.
 * Asked for a checkpoint it answers that none ran; at shutdown it acknowledges and stops. One INFO
 * line at start says so, so a node configured with the kind is not left guessing.
 */
final class IdleCheckpointer {
  private IdleCheckpointer() {}

  static Behavior<Checkpointer.Command> create(KindContext kind, PersistenceSettings settings) {
    return Behaviors.setup(
        ctx -> {
          ctx.getLog().info("checkpointer [{}] idle: {} at {} checkpoints itself", kind.path(), settings.dialect(), settings.url());
          return Behaviors.receive(Checkpointer.Command.class)
              .onMessage(Checkpointer.CheckpointNow.class, now -> {
                now.replyTo().ifPresent(r -> r.tell(new Checkpointer.Result(Checkpointer.Mode.CHECKPOINT, 0,
                    Optional.of("not run: " + settings.dialect() + " checkpoints itself"))));
                return Behaviors.same();
              })
              .onMessage(Checkpointer.FinalCheckpoint.class, stop -> {
                stop.replyTo().tell(Done.getInstance());
                return Behaviors.stopped();
              })
              .build();
        });
  }
}
