package dev.warden.workers.graveyard;

import java.util.Arrays;
import java.util.Map;
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
 * <p>One writer (the journal actor), any number of readers: cells append behind a volatile
 * size, and a grown array is published before the size that needs it. The writer finds
 * duplicates through a hash table of its own that readers never touch.
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
    if (symbol == null || !usable(sl) || !usable(tp)) {
      return;
    }
    long key = key(cell(Math.log(sl)), cell(Math.log(tp)));
    if (bySymbol.computeIfAbsent(symbol, s -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new Cell()).add(sl, tp)) {
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

  /** Every point of {@code symbol}'s cells as (sl, tp) pairs, for snapshots. */
  Map<String, double[]> export() {
    Map<String, double[]> out = new java.util.TreeMap<>();
    bySymbol.forEach(
        (symbol, cells) -> {
          int n = 0;
          for (Cell c : cells.values()) {
            n += c.size;
          }
          double[] all = new double[n];
          int i = 0;
          for (Cell c : cells.values()) {
            int size = c.size;
            System.arraycopy(c.data, 0, all, i, size);
            i += size;
          }
          out.put(symbol, all);
        });
    return out;
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
    private volatile int size;
    /** Writer only: open addressing over pair indexes + 1 (0 = empty), at most half full. */
    private int[] slots = new int[8];

    /** Appends the pair unless present; true if appended. */
    boolean add(double sl, double tp) {
      int mask = slots.length - 1;
      int h = hash(sl, tp) & mask;
      double[] d = data;
      for (int at = slots[h]; at != 0; h = (h + 1) & mask, at = slots[h]) {
        int i = (at - 1) * 2;
        if (Double.compare(d[i], sl) == 0 && Double.compare(d[i + 1], tp) == 0) {
          return false;
        }
      }
      int n = size;
      if (n + 2 > d.length) {
        d = Arrays.copyOf(d, d.length * 2);
        data = d;
      }
      d[n] = sl;
      d[n + 1] = tp;
      size = n + 2;
      slots[h] = n / 2 + 1;
      if ((n / 2 + 1) * 2 > slots.length) {
        rehash(d, n + 2);
      }
      return true;
    }

    private void rehash(double[] d, int n) {
      int[] next = new int[slots.length * 2];
      int mask = next.length - 1;
      for (int i = 0; i < n; i += 2) {
        int h = hash(d[i], d[i + 1]) & mask;
        while (next[h] != 0) {
          h = (h + 1) & mask;
        }
        next[h] = i / 2 + 1;
      }
      slots = next;
    }

    private static int hash(double sl, double tp) {
      long x = (Double.doubleToLongBits(sl) ^ Long.rotateLeft(Double.doubleToLongBits(tp), 32)) * 0x9E3779B97F4A7C15L;
      return (int) (x >>> 32);
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
