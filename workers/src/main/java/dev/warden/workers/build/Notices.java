package dev.warden.workers.build;

import java.util.LinkedHashMap;
import java.util.Map;

/** Stale or duplicate leases seen already, so each is logged once: the last 4,096, oldest dropped. */
final class Notices {
  private static final int MAX = 4096;
  private final LinkedHashMap<String, Boolean> seen =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX;
        }
      };

  /** True the first time {@code what} is seen. */
  boolean first(String what) {
    return seen.put(what, Boolean.TRUE) == null;
  }
}
