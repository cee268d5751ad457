package dev.warden.workers.graveyard;

import dev.warden.core.Warden;
import dev.warden.core.Asks;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The host's view of the graveyard: record and retire patterns, import legacy files, and ask
 * the legacy daemon's questions. Safe from any number of threads.
 *
 * <p>Writes are messages to the one journal writer. Queries read the journal's index directly,
 * without a message, in time independent of the number of records. Until the journal has
 * recovered, and after an import failed (until one succeeds), every query answers "no avoid
 * region" / "no match" and {@link #degraded()} says why.
 */
public final class Graveyard {
  private final Clock clock;
  private volatile PatternIndex index;
  private volatile String degraded;
  private volatile Wiring wiring;
  private volatile Semaphore inFlight;
  private final CompletableFuture<Done> ready = new CompletableFuture<>();
  private final AtomicInteger importsRunning = new AtomicInteger();
  private volatile ImportReport lastImport;

  /** A single node: {@code journal} and {@code importer} are this node's; cluster mode: {@code writer}, {@code replica}. */
  private record Wiring(ActorSystem<?> system, ActorRef<PatternJournal.Command> journal,
      ActorRef<Importer.Command> importer, GraveyardSettings settings, ActorRef<GraveyardWriter.Command> writer,
      ActorRef<PatternReplica.Command> replica) {}

  Graveyard(Clock clock) {
    this.clock = clock;
  }

  /** The graveyard of a running node started with {@link GraveyardKind}. */
  public static Graveyard of(Warden warden) {
    return warden.workerKind(GraveyardKind.class)
        .orElseThrow(() -> new IllegalArgumentException("node [" + warden.jmxNode() + "] runs no graveyard kind"))
        .graveyard();
  }

  void attach(ActorSystem<?> system, ActorRef<PatternJournal.Command> journal, ActorRef<Importer.Command> importer,
      GraveyardSettings settings) {
    if (inFlight == null) {
      inFlight = new Semaphore(settings.maxInFlight());
    }
    wiring = new Wiring(system, journal, importer, settings, null, null);
  }

  /**
   * Cluster mode: writes and imports go to the cluster singleton {@code writer}; queries read this member's
   * {@code replica}, which follows the journal (and is nudged after each write made here).
   */
  void attachCluster(ActorSystem<?> system, ActorRef<GraveyardWriter.Command> writer, ActorRef<PatternReplica.Command> replica,
      GraveyardSettings settings) {
    if (inFlight == null) {
      inFlight = new Semaphore(settings.maxInFlight());
    }
    wiring = new Wiring(system, null, null, settings, writer, replica);
  }

  /** The clock of queries without an explicit time, and of imports (future timestamps). */
  Clock clock() {
    return clock;
  }

  void recovered(PatternIndex recovered) {
    index = recovered;
    ready.complete(Done.getInstance());
  }

  void degrade(String reason) {
    degraded = reason;
  }

  void clearDegraded() {
    degraded = null;
  }

  // ---- writes ----

  /** Stores one failure pattern (weight multiplier 1.0, used by {@link #matchesPattern}). */
  public CompletionStage<Done> record(LegacyRecord pattern) {
    return append(Source.GRAVEYARD, pattern);
  }

  /** Stores one retired pattern (weight multiplier 0.25, never matched). */
  public CompletionStage<Done> retire(LegacyRecord pattern) {
    return append(Source.RETIRED, pattern);
  }

  private CompletionStage<Done> append(Source source, LegacyRecord pattern) {
    Wiring w = wiring();
    String nonFinite = pattern.nonFinite();
    if (nonFinite != null) { // the index would take it as infinity; replaying its text would refuse it
      return CompletableFuture.failedFuture(new IllegalArgumentException("NON_FINITE: " + nonFinite));
    }
    Semaphore permits = inFlight;
    if (!permits.tryAcquire()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "too many patterns in flight (warden.graveyard.journal.max-in-flight = " + w.settings().maxInFlight() + ")"));
    }
    String text = pattern.toSexp();
    CompletionStage<Done> done = w.writer() != null
        ? Asks.<GraveyardWriter.Command, Done>askWithStatus(w.system(), w.writer(),
            r -> new GraveyardWriter.Append(source, List.of(text), r), w.settings().askTimeout())
            .whenComplete((d, e) -> w.replica().tell(PatternReplica.CatchUp.INSTANCE))
        : Asks.askWithStatus(w.system(), w.journal(),
            r -> new PatternJournal.Append(source, List.of(text), List.of(pattern), null, false, r), w.settings().askTimeout());
    return done.whenComplete((d, e) -> permits.release());
  }

  /** Imports legacy files as a supervised child; fails if another import is running or this one fails. */
  public CompletionStage<ImportReport> importFiles(ImportRequest request) {
    Wiring w = wiring();
    importsRunning.incrementAndGet();
    if (w.writer() != null) {
      return Asks.<GraveyardWriter.Command, ImportReport>askWithStatus(
              w.system(), w.writer(), r -> new GraveyardWriter.Import(request, r), w.settings().importTimeout())
          .whenComplete((r, e) -> {
            importsRunning.decrementAndGet();
            w.replica().tell(PatternReplica.CatchUp.INSTANCE);
            if (e == null) { // the writer's member noted it too; this member's answers follow its own imports
              imported(r);
              clearDegraded();
            } else {
              degrade("import of " + request.jobs() + " failed: " + e.getMessage());
            }
          });
    }
    return Asks.<Importer.Command, ImportReport>askWithStatus(
            w.system(), w.importer(), r -> new Importer.Run(request, r), w.settings().importTimeout())
        .whenComplete((r, e) -> importsRunning.decrementAndGet());
  }

  /** Whether an import asked through {@link #importFiles} is running now. */
  public boolean importRunning() {
    return importsRunning.get() > 0;
  }

  /** The last successful import's report since this node started (per file: status, records, quarantine by reason). */
  public Optional<ImportReport> lastImport() {
    return Optional.ofNullable(lastImport);
  }

  void imported(ImportReport report) {
    lastImport = report;
  }

  /** Every legacy file imported so far (journaled progress): how far, how many records, how many damaged ranges. */
  public List<FileProgress> importedFiles() {
    PatternIndex i = index;
    return i == null ? List.of() : i.files();
  }

  private Wiring wiring() {
    Wiring w = wiring;
    if (w == null) {
      throw new IllegalStateException("the graveyard kind is not running: pass it to Warden.start first");
    }
    return w;
  }

  // ---- queries ----

  /** Whether (sl, tp) lies inside any avoid region now (bounds inclusive). */
  public boolean shouldAvoid(double sl, double tp) {
    return shouldAvoid(sl, tp, clock.instant());
  }

  public boolean shouldAvoid(double sl, double tp, Instant now) {
    PatternIndex i = healthy();
    return i != null && i.shouldAvoid(sl, tp, Decay.universal(now));
  }

  /**
   * Whether (sl, tp) lies inside the region of one cluster.
   *
   * @param timeframe as written ({@code 60}, {@code 60.0}, {@code "H1"} with its quotes), null for NIL
   * @param direction {@code BUY} or {@code :BUY}, null for NIL
   * @param symbol the symbol string's contents, null for NIL
   */
  public boolean shouldAvoid(String timeframe, String direction, String symbol, double sl, double tp) {
    return shouldAvoid(timeframe, direction, symbol, sl, tp, clock.instant());
  }

  public boolean shouldAvoid(String timeframe, String direction, String symbol, double sl, double tp, Instant now) {
    PatternIndex i = healthy();
    return i != null && i.shouldAvoid(Keys.query(timeframe, direction, symbol), sl, tp, Decay.universal(now));
  }

  /**
   * The legacy {@code is-graveyard-pattern-p}: false when {@code sharpe >= 0.3}; otherwise
   * whether a graveyard (not retired) record with the symbol string {@code symbol} (null means
   * {@code "USDJPY"}) has numeric SL and TP with |sl − SL| &lt; 0.05·SL and |tp − TP| &lt; 0.05·TP.
   */
  public boolean matchesPattern(String symbol, double sl, double tp, double sharpe) {
    if (sharpe >= 0.3) {
      return false;
    }
    PatternIndex i = healthy();
    return i != null && i.matchesPattern(symbol == null ? "USDJPY" : symbol, sl, tp);
  }

  /** Every avoid region now, sorted by timeframe, direction, symbol; empty when degraded. */
  public List<Region> regions() {
    return regions(clock.instant());
  }

  public List<Region> regions(Instant now) {
    PatternIndex i = healthy();
    return i == null ? List.of() : i.regions(Decay.universal(now));
  }

  /** Why answers are degraded to "nothing to avoid", if they are. */
  public Optional<String> degraded() {
    if (index == null) {
      return Optional.of("the pattern journal has not recovered yet");
    }
    return Optional.ofNullable(degraded);
  }

  /** True once the journal has recovered (whether or not an import failed since). */
  public boolean ready() {
    return index != null;
  }

  /** Patterns stored (0 before recovery). */
  public long storedPatterns() {
    PatternIndex i = index;
    return i == null ? 0 : i.stored();
  }

  /** The most patterns ever stored; never goes down. */
  public long storedHighWater() {
    PatternIndex i = index;
    return i == null ? 0 : i.highWater();
  }

  /** Stored records not fully counting towards regions, by reason. */
  public Map<Exclusion, Long> exclusions() {
    PatternIndex i = index;
    return i == null ? Map.of() : i.exclusions();
  }

  /** Completes when the journal has recovered for the first time. */
  public CompletionStage<Done> whenReady() {
    return ready;
  }

  private PatternIndex healthy() {
    return degraded == null ? index : null;
  }
}
