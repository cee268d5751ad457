package dev.warden.workers.graveyard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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

  private final ConcurrentHashMap<String, Cells> bySymbol = new ConcurrentHashMap<>();
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
    Cells cells = bySymbol.get(symbol);
    if (cells == null) {
      cells = bySymbol.computeIfAbsent(symbol, s -> new Cells());
    }
    if (cells.getOrCreate(key(cell(Math.log(sl)), cell(Math.log(tp)))).add(sl, tp, checkDuplicate)) {
      points = points + 1;
    }
  }

  boolean matches(String symbol, double sl, double tp) {
    if (!usable(sl) || !usable(tp)) {
      return false;
    }
    Cells cells = bySymbol.get(symbol);
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

  /** A well-spread hash of a long (the finaliser of MurmurHash3). */
  private static int mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return (int) k;
  }

  /**
   * One symbol's cells: an open-addressing table (linear probing, at most half full) written by
   * one thread and read by any. A slot is written once, with release semantics, after the cell
   * in it is complete; a grown table is filled before it is published.
   */
  private static final class Cells {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Cell[].class);

    private volatile Cell[] table = new Cell[64];
    private int count;

    Cell get(long key) {
      Cell[] t = table;
      int m = t.length - 1;
      for (int i = mix(key) & m; ; i = (i + 1) & m) {
        Cell c = (Cell) SLOT.getAcquire(t, i);
        if (c == null || c.key == key) {
          return c;
        }
      }
    }

    Cell getOrCreate(long key) {
      Cell[] t = table;
      int m = t.length - 1;
      int i = mix(key) & m;
      for (Cell c = t[i]; c != null; c = t[i]) {
        if (c.key == key) {
          return c;
        }
        i = (i + 1) & m;
      }
      Cell created = new Cell(key);
      if (2 * (count + 1) > t.length) {
        Cell[] grown = new Cell[t.length * 2];
        for (Cell c : t) {
          if (c != null) {
            insert(grown, c);
          }
        }
        insert(grown, created);
        table = grown;
      } else {
        SLOT.setRelease(t, i, created);
      }
      count++;
      return created;
    }

    void forEach(java.util.function.Consumer<Cell> action) {
      for (Cell c : table) {
        if (c != null) {
          action.accept(c);
        }
      }
    }

    private static void insert(Cell[] t, Cell c) {
      int m = t.length - 1;
      int i = mix(c.key) & m;
      while (t[i] != null) {
        i = (i + 1) & m;
      }
      t[i] = c;
    }
  }

  /** Distinct pairs (sl, tp) appended by one writer, read by many. */
  private static final class Cell {
    final long key;
    private volatile double[] data = new double[4];
    /** Values (twice the pairs) in use. */
    private volatile int size;
    /** Writer only: pair index + 1 per slot (0 = empty), built past {@link #SCAN_PAIRS} pairs. */
    private int[] pairIndex;

    Cell(long key) {
      this.key = key;
    }

    /** Appends the pair unless present (checked only when asked); true if appended. */
    boolean add(double sl, double tp, boolean checkDuplicate) {
      int n = size;
      double[] d = data;
      long s = Double.doubleToLongBits(sl);
      long t = Double.doubleToLongBits(tp);
      int pairs = n >> 1;
      if (checkDuplicate) {
        if (pairs > SCAN_PAIRS) {
          if (pairIndex == null) {
            buildIndex(d, pairs);
          }
          if (find(d, s, t) >= 0) {
            return false;
          }
        } else {
          for (int i = 0; i < n; i += 2) {
            if (Double.doubleToLongBits(d[i]) == s && Double.doubleToLongBits(d[i + 1]) == t) {
              return false;
            }
          }
        }
      }
      if (n + 2 > d.length) {
        d = Arrays.copyOf(d, d.length + (d.length >> 2 << 1)); // + half, kept even
        data = d;
      }
      d[n] = sl;
      d[n + 1] = tp;
      size = n + 2;
      if (pairIndex != null) {
        if (2 * (pairs + 1) > pairIndex.length) {
          buildIndex(d, pairs + 1);
        } else {
          put(pairIndex, pairHash(s, t), pairs);
        }
      }
      return true;
    }

    private void buildIndex(double[] d, int pairs) {
      int length = Integer.highestOneBit(Math.max(16, pairs * 4) - 1) << 1;
      int[] table = new int[length];
      for (int p = 0; p < pairs; p++) {
        put(table, pairHash(Double.doubleToLongBits(d[2 * p]), Double.doubleToLongBits(d[2 * p + 1])), p);
      }
      pairIndex = table;
    }

    private int find(double[] d, long s, long t) {
      int[] table = pairIndex;
      int m = table.length - 1;
      for (int i = pairHash(s, t) & m; table[i] != 0; i = (i + 1) & m) {
        int p = table[i] - 1;
        if (Double.doubleToLongBits(d[2 * p]) == s && Double.doubleToLongBits(d[2 * p + 1]) == t) {
          return p;
        }
      }
      return -1;
    }

    private static void put(int[] table, int hash, int pair) {
      int m = table.length - 1;
      int i = hash & m;
      while (table[i] != 0) {
        i = (i + 1) & m;
      }
      table[i] = pair + 1;
    }

    private static int pairHash(long s, long t) {
      return mix(s * 31 + t);
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
