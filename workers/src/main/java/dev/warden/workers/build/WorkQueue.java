package dev.warden.workers.build;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Queued packages in queue order, grouped by the capabilities they require, so that a lease looks
 * only at groups the drone can build (a package nobody can build does not slow every lease down).
 */
final class WorkQueue {
  private final Map<Set<String>, TreeMap<Long, PackageState>> groups = new HashMap<>();
  private int size;

  void add(PackageState p) {
    if (groups.computeIfAbsent(p.requires, k -> new TreeMap<>()).put(p.seq, p) == null) {
      size++;
    }
  }

  void remove(PackageState p) {
    TreeMap<Long, PackageState> g = groups.get(p.requires);
    if (g != null && g.remove(p.seq) != null) {
      size--;
      if (g.isEmpty()) {
        groups.remove(p.requires);
      }
    }
  }

  int size() {
    return size;
  }

  /** Up to {@code n} packages a drone with {@code capabilities} can build, first in queue order first. */
  List<PackageState> first(Set<String> capabilities, int n) {
    List<Iterator<PackageState>> its = new ArrayList<>();
    List<PackageState> heads = new ArrayList<>();
    for (Map.Entry<Set<String>, TreeMap<Long, PackageState>> g : groups.entrySet()) {
      if (capabilities.containsAll(g.getKey())) {
        Iterator<PackageState> it = g.getValue().values().iterator();
        its.add(it);
        heads.add(it.next());
      }
    }
    List<PackageState> out = new ArrayList<>(n);
    while (out.size() < n) {
      int best = -1;
      for (int i = 0; i < heads.size(); i++) {
        if (heads.get(i) != null && (best < 0 || heads.get(i).seq < heads.get(best).seq)) {
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      out.add(heads.get(best));
      heads.set(best, its.get(best).hasNext() ? its.get(best).next() : null);
    }
    return out;
  }
}
