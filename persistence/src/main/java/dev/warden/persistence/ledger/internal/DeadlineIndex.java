package dev.warden.persistence.ledger.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Running attempts ordered by deadline, so the reaper looks only at entries whose time has
 * passed (no scan of all jobs). Entries are invalidated lazily: the partition checks each popped
 * entry against the job's current attempt and effective deadline.
 */
final class DeadlineIndex {
  record Entry(long at, String jobId, int attempt) {}

  private final PriorityQueue<Entry> queue = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));

  void add(long at, String jobId, int attempt) {
    queue.add(new Entry(at, jobId, attempt));
  }

  /** Removes and answers every entry due at {@code now}. */
  List<Entry> due(long now) {
    List<Entry> out = new ArrayList<>();
    while (!queue.isEmpty() && queue.peek().at <= now) {
      out.add(queue.poll());
    }
    return out;
  }

  /** The earliest deadline held, or {@code Long.MAX_VALUE}. */
  long earliest() {
    Entry e = queue.peek();
    return e == null ? Long.MAX_VALUE : e.at;
  }

  int size() {
    return queue.size();
  }
}
