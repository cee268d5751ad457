package dev.warden.workers.graveyard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The points {@code matchesPattern} compares against, per symbol, in a grid over
 * (ln SL, ln TP). A stored point matches a candidate when {@code |sl − SL| < 0.05·SL} and
 * {@code |tp − TP| < 0.05·TP}; that needs SL &gt; 0 and TP &gt; 0 (for SL ≤ 0 the right side is ≤ 0
 * and no candidate can be strictly closer), so only such points are kept. For SL &gt; 0 the
 * condition is {@code SL ∈ (sl/1.05, sl/0.95)}, an interval of width ln(1.05/0.95) in log space;
 * cells have that width, so a query looks at two cells per axis (four in all) and checks only
 * the points in them, exactly.
 *
 * <p>Only distinct points are kept: whether some stored point matches does not depend on how
 * many times it was stored, and real files repeat the same (SL, TP) pairs endlessly (the
 * strategies' parameters come from grids), so the index, its snapshot and its recovery stay
 * the size of the distinct pairs, not of the records.
 *
 * <p>Memory: a cell is one {@code double[]} of (SL, TP) pairs grown by half its size, about 19
 * bytes per point, with no object per point. The writer finds a duplicate by scanning a small
 * cell; a cell past {@value #SCAN_PAIRS} pairs gets an open-addressing table of pair indexes
 * (writer only, about 8 more bytes per point), built when first needed: scanning cells of
 * hundreds of pairs for every stored record was the largest cost of an import. Cells of a
 * symbol sit in an open-addressing table keyed by a primitive long (a boxed-key hash map cost
 * an allocation per record and, with colliding bins, reflection on every lookup).
 *
 * <p>One writer (the journal actor), any number of readers: cells append behind a volatile
 * size, and a grown array is published before the size that needs it. Pairs below a size
 * never change, so a {@link MatchPoints} view that remembers each cell's array and size is an
 * exact, immutable picture of the index at that moment.
 */
final class MatchIndex {
  private static final double WIDTH = Math.log(1.05 / 0.95);
  private static final double LN_105 = Math.log(1.05);
  private static final double LN_095 = Math.log(0.95);
  private static final double SLACK = 1e-9;
  /** Pairs a cell scans for duplicates before it builds its table. */
  static final int SCAN_PAIRS = 8;

  private final ConcurrentHashMap<String, MatchCells> bySymbol = new ConcurrentHashMap<>();
  private volatile long points;

  /** Adds a stored point; ignores one that can never match, or that is stored already. */
  void add(String symbol, double sl, double tp) {
    add(symbol, sl, tp, true);
  }

  /**
   * Adds a point known to be distinct from every point added so far (restoring a snapshot,
   * which holds each point once): skips the duplicate check.
   */
  void addDistinct(String symbol, double sl, double tp) {
    add(symbol, sl, tp, false);
  }

  private void add(String symbol, double sl, double tp, boolean checkDuplicate) {
    if (symbol == null || !usable(sl) || !usable(tp)) {
      return;
    }
    MatchCells cells = bySymbol.get(symbol);
    if (cells == null) {
      cells = bySymbol.computeIfAbsent(symbol, s -> new MatchCells());
    }
    if (cells.getOrCreate(key(cell(Math.log(sl)), cell(Math.log(tp)))).add(sl, tp, checkDuplicate)) {
      points = points + 1;
    }
  }

  boolean matches(String symbol, double sl, double tp) {
    if (!usable(sl) || !usable(tp)) {
      return false;
    }
    MatchCells cells = bySymbol.get(symbol);
    if (cells == null) {
      return false;
    }
    double ls = Math.log(sl);
    double lt = Math.log(tp);
    int s0 = (int) Math.floor((ls - LN_105) / WIDTH - SLACK);
    int s1 = (int) Math.floor((ls - LN_095) / WIDTH + SLACK);
    int t0 = (int) Math.floor((lt - LN_105) / WIDTH - SLACK);
    int t1 = (int) Math.floor((lt - LN_095) / WIDTH + SLACK);
    for (int a = s0; a <= s1; a++) {
      for (int b = t0; b <= t1; b++) {
        MatchCells.Cell c = cells.get(key(a, b));
        if (c != null && c.matches(sl, tp)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Distinct points stored. */
  long points() {
    return points;
  }

  /**
   * The points as they are now, for a snapshot: per symbol (sorted), each cell's array and
   * size. Copies nothing but one reference and one int per cell; later additions do not show.
   */
  MatchPoints view() {
    Map<String, List<MatchPoints.Run>> out = new TreeMap<>();
    bySymbol.forEach(
        (symbol, cells) -> {
          List<MatchPoints.Run> runs = new ArrayList<>();
          cells.forEach(c -> {
            int size = c.size;
            double[] data = c.data; // read after size: holds at least size values
            if (size > 0) {
              runs.add(new MatchPoints.Run(data, size));
            }
          });
          out.put(symbol, runs);
        });
    return new MatchPoints(out, null);
  }

  private static boolean usable(double v) {
    return v > 0 && v < Double.POSITIVE_INFINITY;
  }

  private static int cell(double ln) {
    return (int) Math.floor(ln / WIDTH);
  }

  /** A unique key for cell (a, b). */
  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }
}
