package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.FieldState;
import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import dev.warden.workers.graveyard.legacy.SexpNumber;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The journal's state: everything the answers need, maintained as each pattern arrives and
 * never rebuilt from history.
 *
 * <ul>
 *   <li>Clusters by key, each an immutable {@link Cluster} replaced on update.
 *   <li>Regions: the clusters with all four bounds, ordered by the time their weight falls
 *       below 5.0 ({@link Cluster#until()}). Weights only rise when records arrive and only
 *       fall as time passes, so at time {@code now} the regions are exactly the tail of this
 *       order from {@code now}: a query walks only the live regions, however many records and
 *       dead clusters there are, and nothing is re-evaluated on a timer.
 *   <li>{@link MatchIndex} for {@code matchesPattern}.
 *   <li>Import progress per file.
 * </ul>
 *
 * <p>One writer (the journal actor's event handler); queries run on any thread and read
 * concurrent maps of immutable values. A reader may see a batch half applied: answers are
 * eventually consistent while an import runs.
 */
final class PatternIndex {
  private final ConcurrentHashMap<ClusterKey, Cluster> clusters = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Slot, Cluster> regions = new ConcurrentSkipListMap<>();
  private final MatchIndex matches;
  private final ConcurrentHashMap<String, FileProgress> files = new ConcurrentHashMap<>();
  private final AtomicLongArray exclusions = new AtomicLongArray(Exclusion.values().length);
  private volatile long stored;
  private volatile long highWater;
  private long nextId;

  PatternIndex() {
    this(new MatchIndex());
  }

  private PatternIndex(MatchIndex matches) {
    this.matches = matches;
  }

  /** Orders regions by the time they stop being regions, then by cluster id. */
  private record Slot(double until, long id) implements Comparable<Slot> {
    @Override
    public int compareTo(Slot o) {
      int c = Double.compare(until, o.until);
      return c != 0 ? c : Long.compare(id, o.id);
    }
  }

  /** Adds one stored pattern from {@code source}. */
  void add(Source source, LegacyRecord r) {
    stored = stored + 1;
    highWater = Math.max(highWater, stored);
    for (Exclusion e : Exclusion.of(r)) {
      exclusions.incrementAndGet(e.ordinal());
    }
    double sl = number(r, LegacyField.SL);
    double tp = number(r, LegacyField.TP);
    if (source.matchable()) {
      matches.add(Keys.matchSymbol(r), sl, tp);
    }
    FieldState ts = r.state(LegacyField.TIMESTAMP);
    if (ts == FieldState.NIL || ts == FieldState.OTHER) {
      return;
    }
    double t = ts == FieldState.MISSING ? Double.NaN : r.number(LegacyField.TIMESTAMP).value();
    ClusterKey key = Keys.of(r);
    Cluster old = clusters.get(key);
    Cluster next = (old == null ? Cluster.empty(nextId++, key) : old).plus(source.multiplier(), t, sl, tp);
    put(old, next);
  }

  /** Adds a stored pattern text; text that no longer parses is counted, never fatal. */
  void add(Source source, String sexp) {
    LegacyRecord r;
    try {
      r = LegacyRecord.parse(sexp);
    } catch (IllegalArgumentException e) {
      stored = stored + 1;
      highWater = Math.max(highWater, stored);
      exclusions.incrementAndGet(Exclusion.UNREADABLE.ordinal());
      return;
    }
    add(source, r);
  }

  void progress(FileProgress p) {
    files.put(p.key(), p);
  }

  /** Applies a journaled batch from its stored text: each pattern re-read, then the file's progress. */
  PatternIndex replay(PatternJournal.PatternsRecorded e) {
    for (String p : e.patterns()) {
      add(e.source(), p);
    }
    if (e.progress() != null) {
      progress(e.progress());
    }
    return this;
  }

  Optional<FileProgress> progress(String key) {
    return Optional.ofNullable(files.get(key));
  }

  /** Every file's progress, by key. */
  List<FileProgress> files() {
    List<FileProgress> out = new ArrayList<>(files.values());
    out.sort(java.util.Comparator.comparing(FileProgress::key));
    return out;
  }

  private void put(Cluster old, Cluster next) {
    clusters.put(next.key(), next);
    if (next.bounded()) {
      regions.put(new Slot(next.until(), next.id()), next);
    }
    if (old != null && old.bounded() && (old.until() != next.until() || !next.bounded())) {
      regions.remove(new Slot(old.until(), old.id()));
    }
  }

  private static double number(LegacyRecord r, LegacyField f) {
    SexpNumber n = r.number(f);
    return n == null ? Double.NaN : n.value();
  }

  // ---- queries (any thread) ----

  /** Whether (sl, tp) lies inside any avoid region at universal time {@code now}. */
  boolean shouldAvoid(double sl, double tp, double now) {
    for (Cluster c : live(now)) {
      if (c.contains(sl, tp) && c.weightAt(now) >= Decay.REGION_WEIGHT) {
        return true;
      }
    }
    return false;
  }

  boolean shouldAvoid(ClusterKey key, double sl, double tp, double now) {
    Cluster c = clusters.get(key);
    return c != null && c.regionAt(now) && c.contains(sl, tp);
  }

  boolean matchesPattern(String symbol, double sl, double tp) {
    return matches.matches(symbol, sl, tp);
  }

  /** Every avoid region at {@code now}, sorted by timeframe, direction, symbol. */
  List<Region> regions(double now) {
    List<Region> out = new ArrayList<>();
    for (Cluster c : live(now)) {
      if (c.weightAt(now) >= Decay.REGION_WEIGHT) {
        out.add(Region.of(c, now));
      }
    }
    out.sort(Region.ORDER);
    return out;
  }

  /** Clusters whose region lasts until {@code now} or later (with a second's slack, re-checked by callers). */
  private Iterable<Cluster> live(double now) {
    return regions.tailMap(new Slot(now - 1, Long.MIN_VALUE)).values();
  }

  long stored() {
    return stored;
  }

  /** The most patterns ever stored: never goes down (the legacy audit's high-water mark). */
  long highWater() {
    return highWater;
  }

  int clusterCount() {
    return clusters.size();
  }

  /** Clusters with all four bounds, live or not. */
  int boundedClusters() {
    return regions.size();
  }

  int fileCount() {
    return files.size();
  }

  long matchPoints() {
    return matches.points();
  }

  Map<Exclusion, Long> exclusions() {
    Map<Exclusion, Long> out = new EnumMap<>(Exclusion.class);
    for (Exclusion e : Exclusion.values()) {
      long n = exclusions.get(e.ordinal());
      if (n > 0) {
        out.put(e, n);
      }
    }
    return out;
  }

  // ---- snapshots (writer thread) ----

  IndexSnapshot snapshot() {
    List<IndexSnapshot.ClusterState> cs = new ArrayList<>(clusters.size());
    List<Cluster> sorted = new ArrayList<>(clusters.values());
    sorted.sort((a, b) -> Long.compare(a.id(), b.id()));
    for (Cluster c : sorted) {
      ClusterKey k = c.key();
      cs.add(new IndexSnapshot.ClusterState(k.timeframe(), k.direction(), k.symbol(), c.failureCount(), c.untimed(),
          c.anchor(), c.anchoredSum(), box(c.slMin()), box(c.slMax()), box(c.tpMin()), box(c.tpMax())));
    }
    Map<String, Long> ex = new TreeMap<>();
    exclusions().forEach((e, n) -> ex.put(e.name(), n));
    return new IndexSnapshot(stored, highWater, ex, cs, matches.view(), new ArrayList<>(files.values()));
  }

  static PatternIndex restore(IndexSnapshot s) {
    PatternIndex index = new PatternIndex(s.matchPoints().toIndex());
    index.stored = s.stored();
    index.highWater = Math.max(s.storedHighWater(), s.stored());
    s.exclusions().forEach((name, n) -> index.exclusions.set(Exclusion.valueOf(name).ordinal(), n));
    for (IndexSnapshot.ClusterState c : s.clusters()) {
      ClusterKey key = new ClusterKey(c.timeframe(), c.direction(), c.symbol());
      Cluster cluster = Cluster.of(index.nextId++, key, c.failureCount(), c.untimed(), c.anchor(), c.anchoredSum(),
          unbox(c.slMin()), unbox(c.slMax()), unbox(c.tpMin()), unbox(c.tpMax()));
      index.put(null, cluster);
    }
    for (FileProgress p : s.files()) {
      index.files.put(p.key(), p);
    }
    return index;
  }

  private static Double box(double v) {
    return Double.isNaN(v) ? null : v;
  }

  private static double unbox(Double v) {
    return v == null ? Double.NaN : v;
  }
}
