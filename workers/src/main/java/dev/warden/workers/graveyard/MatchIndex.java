package dev.warden.workers.graveyard;

import java.util.ArrayList;
import java.util.Arrays;
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
 * bytes per point, with no object per point and no table beside it. The writer finds a
 * duplicate by scanning the point's cell, the same scan a query makes over four cells, so
 * storing a point never costs more than answering a query.
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

  private final ConcurrentHashMap<String, ConcurrentHashMap<Long, Cell>> bySymbol = new ConcurrentHashMap<>();
  private volatile long points;

  /** Adds a stored point; ignores one that can never match, or that is stored already. */
  void add(String symbol, double sl, double tp) {
    add(symbol, sl, tp, true);
  }

  /**
   * Adds a point known to be distinct from every point added so far (restoring a snapshot,
   * which holds each point once): skips the duplicate scan of its cell, which made a restore
   * quadratic in the points per cell.
   */
  void addDistinct(String symbol, double sl, double tp) {
    add(symbol, sl, tp, false);
  }

  private void add(String symbol, double sl, double tp, boolean checkDuplicate) {
    if (symbol == null || !usable(sl) || !usable(tp)) {
      return;
    }
    long key = key(cell(Math.log(sl)), cell(Math.log(tp)));
    if (bySymbol.computeIfAbsent(symbol, s -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new Cell())
        .add(sl, tp, checkDuplicate)) {
      points = points + 1;
    }
  }

  boolean matches(String symbol, double sl, double tp) {
    if (!usable(sl) || !usable(tp)) {
      return false;
    }
    Map<Long, Cell> cells = bySymbol.get(symbol);
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
        Cell c = cells.get(key(a, b));
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
          List<MatchPoints.Run> runs = new ArrayList<>(cells.size());
          for (Cell c : cells.values()) {
            int size = c.size;
            double[] data = c.data; // read after size: holds at least size values
            if (size > 0) {
              runs.add(new MatchPoints.Run(data, size));
            }
          }
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

  /**
   * A unique key for cell (a, b). The low half is b times an odd constant (a bijection on
   * ints), so that {@link Long#hashCode()} (the halves xor-ed) spreads neighbouring cells instead
   * of piling them into a few hash bins.
   */
  private static long key(int a, int b) {
    return ((long) a << 32) | ((b * 0x9E3779B9) & 0xffffffffL);
  }

  /** Distinct pairs (sl, tp) appended by one writer, read by many. */
  private static final class Cell {
    private volatile double[] data = new double[4];
    /** Values (twice the pairs) in use. */
    private volatile int size;

    /** Appends the pair unless present (checked only when asked); true if appended. */
    boolean add(double sl, double tp, boolean checkDuplicate) {
      int n = size;
      double[] d = data;
      long s = Double.doubleToLongBits(sl);
      long t = Double.doubleToLongBits(tp);
      for (int i = 0; checkDuplicate && i < n; i += 2) {
        if (Double.doubleToLongBits(d[i]) == s && Double.doubleToLongBits(d[i + 1]) == t) {
          return false;
        }
      }
      if (n + 2 > d.length) {
        d = Arrays.copyOf(d, d.length + (d.length >> 2 << 1)); // + half, kept even
        data = d;
      }
      d[n] = sl;
      d[n + 1] = tp;
      size = n + 2;
      return true;
    }

    boolean matches(double sl, double tp) {
      int n = size;
      double[] d = data;
      for (int i = 0; i < n; i += 2) {
        double s = d[i];
        double t = d[i + 1];
        if (Math.abs(sl - s) < 0.05 * s && Math.abs(tp - t) < 0.05 * t) {
          return true;
        }
      }
      return false;
    }
  }
}
