package dev.warden.workers.trial;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The trial workers' recent RSS and age, so a console page opened now draws the last minutes, not
 * only what it saw itself: per worker one sample every {@link #SPACING_MILLIS} at most, the last
 * {@link #WINDOW_MILLIS}. Bounded: {@code WINDOW / SPACING} samples per worker, a fixed number of
 * workers. Written by the workers' guard ticks, read by the HTTP route; outlives a kind restart.
 */
final class RssHistory {
  static final long WINDOW_MILLIS = 5 * 60_000;
  static final long SPACING_MILLIS = 5_000;
  private static final int MAX_SAMPLES = (int) (WINDOW_MILLIS / SPACING_MILLIS);

  /** One worker's figures at {@code at} (epoch ms). */
  record Sample(long at, long rssMiB, long ageSeconds) {}

  /** A worker's tree path and its samples, oldest first. */
  record Worker(String path, List<Sample> samples) {}

  private final Map<String, ArrayDeque<Sample>> byPath = new TreeMap<>();

  /** Keeps {@code s} unless the worker's last sample is younger than the spacing (a recycle's 0 is always kept). */
  synchronized void record(String path, Sample s) {
    ArrayDeque<Sample> list = byPath.computeIfAbsent(path, p -> new ArrayDeque<>(MAX_SAMPLES + 1));
    Sample last = list.peekLast();
    if (last != null && s.at() - last.at() < SPACING_MILLIS && s.ageSeconds() >= last.ageSeconds()) {
      return;
    }
    list.addLast(s);
    while (list.size() > MAX_SAMPLES || list.peekFirst().at() < s.at() - WINDOW_MILLIS) {
      list.removeFirst();
    }
  }

  /** Every worker's samples within the window before {@code now}. */
  synchronized List<Worker> snapshot(long now) {
    return byPath.entrySet().stream()
        .map(e -> new Worker(e.getKey(), e.getValue().stream().filter(s -> s.at() >= now - WINDOW_MILLIS).toList()))
        .toList();
  }
}
