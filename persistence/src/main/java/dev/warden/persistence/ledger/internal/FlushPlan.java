package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One flush's batch in the making: the events it writes, and what to do once they are on disk. */
final class FlushPlan {
  /** A submit answered once the batch is written; {@code created} false: the id existed already. */
  record Admitted(LedgerPartition.Submit submit, boolean created) {}

  final long now;
  final List<JobEvent> events = new ArrayList<>();
  /** Jobs with an event in this batch: a second report about one waits for the next batch. */
  final Set<String> touched = new HashSet<>();
  final List<Runnable> replies = new ArrayList<>();
  final List<Admitted> admitted = new ArrayList<>();
  final List<String> starts = new ArrayList<>();
  /** Attempts that completed or failed, by job. */
  final Map<String, Integer> finished = new HashMap<>();
  /** Running attempts to signal, with why. */
  final Map<String, String> cancels = new HashMap<>();
  /** Jobs that reached a terminal status. */
  final Set<String> ended = new HashSet<>();
  int reaped;

  FlushPlan(long now) {
    this.now = now;
  }
}
