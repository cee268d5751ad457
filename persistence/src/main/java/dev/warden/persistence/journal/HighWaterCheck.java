package dev.warden.persistence.journal;

import dev.warden.core.WardenConfigException;
import dev.warden.persistence.PersistenceSettings;
import java.io.IOException;
import java.util.Optional;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a node's start, before any persistent actor recovers, compares the journal with its
 * {@link HighWaterMark}: a database whose highest ordering is below the record lost committed
 * rows, and the start is refused with one ERROR naming the file, the record and what is missing
 * (a {@link WardenConfigException} on {@value #ACCEPT_LOSS}). With {@value #ACCEPT_LOSS} on it
 * starts instead, logs one WARN and rewrites the record. A missing record (a new database, or the
 * first start of a Warden that keeps one) is written from the database. Costs two indexed queries
 * and the read of a small file; runs once per actor system, whichever kind prepares the journal
 * first, before anything opens the database for writing: the file is read read-only
 * ({@link JournalFile}), so a refused start leaves it as it was found, and a file H2 cannot read
 * is refused naming the file and H2's reason. Applies to H2 file databases under either journal
 * plugin (both write the same table).
 */
public final class HighWaterCheck implements Extension {
  /** The key that accepts a loss. */
  public static final String ACCEPT_LOSS = "warden.journal.accept-loss";

  private static final Logger log = LoggerFactory.getLogger(HighWaterCheck.class);

  /** What a start found. */
  public enum Outcome {
    /** Not an H2 file database: no record is kept. */
    NOT_KEPT,
    /** There was no record; it was written from the database. */
    RECORDED,
    /** The journal is at or beyond its record. */
    INTACT,
    /** The journal was behind its record (or the record unreadable) and {@value #ACCEPT_LOSS} was on. */
    LOSS_ACCEPTED
  }

  private static final AbstractExtensionId<HighWaterCheck> ID =
      new AbstractExtensionId<>() {
        @Override
        public HighWaterCheck createExtension(ExtendedActorSystem system) {
          PersistenceSettings db = PersistenceSettings.create(system.settings().config());
          return new HighWaterCheck(run(db, JournalSettings.create(system.settings().config()).acceptLoss()));
        }
      };

  private final Outcome outcome;

  private HighWaterCheck(Outcome outcome) {
    this.outcome = outcome;
  }

  /**
   * Checks the journal of {@code system} once (later calls answer the first call's outcome).
   * Blocking: call it from a kind's {@code prepare}, before the database is opened for writing (the
   * data directory must exist: the record may be written).
   */
  public static Outcome once(ActorSystem<?> system) {
    return ID.get(Adapter.toClassic(system)).outcome;
  }

  /** Checks the database of {@code db}, writing or rewriting its record where that is due. */
  public static Outcome run(PersistenceSettings db, boolean acceptLoss) {
    Optional<HighWaterMark> kept = HighWaterMark.of(db.url());
    if (kept.isEmpty()) {
      log.debug("journal at {} is not an H2 file database: no high-water record is kept", db.url());
      return Outcome.NOT_KEPT;
    }
    HighWaterMark mark = kept.get();
    Optional<HighWaterMark.Mark> recorded;
    boolean garbled = false;
    try {
      recorded = mark.read();
    } catch (WardenConfigException e) {
      if (!acceptLoss) {
        log.error("{}", e.getMessage());
        throw e;
      }
      recorded = Optional.empty();
      garbled = true;
      log.warn("{} = on: {} It is written afresh from the database.", ACCEPT_LOSS, e.getMessage());
    }
    try {
      // read-only: a file that lost rows (or that H2 cannot read) is refused as it was found, before
      // anything opens it for writing and H2 repairs it its own way
      HighWaterMark.Level now = JournalFile.of(db.url()).orElseThrow().level(db.user(), db.password());
      if (recorded.isEmpty()) {
        mark.write(now);
        if (!garbled && now.rows() > 0) {
          log.info("journal high-water record {} was missing: written from the database (ordering {}, {} rows)",
              mark.file(), HighWaterMark.grouped(now.maxOrdering()), HighWaterMark.grouped(now.rows()));
        }
        return garbled ? Outcome.LOSS_ACCEPTED : Outcome.RECORDED;
      }
      HighWaterMark.Mark r = recorded.get();
      if (now.maxOrdering() >= r.level().maxOrdering()) {
        log.debug("journal at ordering {} is at or beyond its high-water record {} ({})", now.maxOrdering(), mark.file(), r);
        return Outcome.INTACT;
      }
      String behind = behind(mark, r, now);
      if (!acceptLoss) {
        String refused = behind + " The node does not start, and nothing was changed. Put the database file back from a"
            + " backup if there is one; to go on with what it holds instead, start once with " + ACCEPT_LOSS
            + " = on (-D" + ACCEPT_LOSS + "=on), which rewrites the record.";
        log.error("{}", refused);
        throw new WardenConfigException(ACCEPT_LOSS, refused);
      }
      mark.write(now);
      log.warn("{} = on: {} Starting with what the database holds; the record now says ordering {}.",
          ACCEPT_LOSS, behind, HighWaterMark.grouped(now.maxOrdering()));
      return Outcome.LOSS_ACCEPTED;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the journal's high-water record " + mark.file() + ": " + e, e);
    }
  }

  /** "the journal database ... is behind its high-water record ...: ... are missing". */
  private static String behind(HighWaterMark mark, HighWaterMark.Mark r, HighWaterMark.Level now) {
    long missing = r.level().maxOrdering() - now.maxOrdering();
    String found = now.maxOrdering() == 0
        ? "the journal is empty (" + HighWaterMark.grouped(now.rows()) + " rows: was the database file deleted or moved?)"
        : "the journal ends at ordering " + HighWaterMark.grouped(now.maxOrdering()) + " (" + HighWaterMark.grouped(now.rows())
            + " rows)";
    return "the journal database " + mark.database() + " is behind its high-water record " + mark.file() + ": " + found
        + " but the record written at " + r.writtenAt() + " says ordering " + HighWaterMark.grouped(r.level().maxOrdering())
        + " (" + HighWaterMark.grouped(r.level().rows()) + " rows), so the rows after ordering "
        + HighWaterMark.grouped(now.maxOrdering()) + " up to " + HighWaterMark.grouped(r.level().maxOrdering()) + " ("
        + HighWaterMark.grouped(missing) + ") are missing: jobs and events that were committed are gone (the file was"
        + " truncated or torn, put back from an older copy, or replaced).";
  }
}
