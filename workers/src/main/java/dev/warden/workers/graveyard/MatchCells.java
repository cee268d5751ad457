package dev.warden.workers.graveyard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The storage of a {@link MatchIndex}, one per symbol: its cells in an open-addressing table (linear probing, at most half full) written by
 * one thread and read by any. A slot is written once, with release semantics, after the cell
 * in it is complete; a grown table is filled before it is published.
 */
final class MatchCells {
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

  /** A well-spread hash of a long (the finaliser of MurmurHash3). */
  static int mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return (int) k;
  }

  /** Distinct pairs (sl, tp) appended by one writer, read by many. */
  static final class Cell {
    final long key;
    volatile double[] data = new double[4];
    /** Values (twice the pairs) in use. */
    volatile int size;
    /** Writer only: pair index + 1 per slot (0 = empty), built past {@link MatchIndex#SCAN_PAIRS} pairs. */
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
        if (pairs > MatchIndex.SCAN_PAIRS) {
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
