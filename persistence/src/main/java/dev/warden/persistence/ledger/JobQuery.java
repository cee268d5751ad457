package dev.warden.persistence.ledger;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which jobs {@link JobLedger#list} answers: filtered by type, status and id prefix, ordered by
 * (submit time, id), oldest first unless {@code newestFirst}, starting after {@code after}, at most
 * {@code limit} ({@value #MAX_LIMIT} at most). Only the jobs the ledger keeps in memory are listed:
 * the live ones and the most recent terminal ones ({@code warden.ledger.retained-terminal-per-partition}).
 *
 * @param statuses empty for every status
 */
public record JobQuery(
    Optional<String> type, Set<JobStatus> statuses, Optional<String> idPrefix, Optional<JobCursor> after, int limit,
    boolean newestFirst) {

  /** The largest page. */
  public static final int MAX_LIMIT = 500;

  public JobQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", but was " + limit);
    }
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
  }

  /** Every job, oldest first, {@code limit} a page. */
  public static JobQuery all(int limit) {
    return new JobQuery(Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), limit, false);
  }

  public JobQuery withType(String t) {
    return new JobQuery(Optional.of(t), statuses, idPrefix, after, limit, newestFirst);
  }

  public JobQuery withStatuses(Set<JobStatus> s) {
    return new JobQuery(type, s, idPrefix, after, limit, newestFirst);
  }

  public JobQuery withIdPrefix(String prefix) {
    return new JobQuery(type, statuses, Optional.of(prefix), after, limit, newestFirst);
  }

  /** The page after the one that ended at {@code cursor}. */
  public JobQuery after(JobCursor cursor) {
    return new JobQuery(type, statuses, idPrefix, Optional.of(cursor), limit, newestFirst);
  }

  public JobQuery newestFirst(boolean newest) {
    return new JobQuery(type, statuses, idPrefix, after, limit, newest);
  }

  /** Whether a job passes the filters (type, status, id prefix). */
  public boolean matches(String id, String jobType, JobStatus status) {
    return (type.isEmpty() || type.get().equals(jobType))
        && (statuses.isEmpty() || statuses.contains(status))
        && (idPrefix.isEmpty() || id.startsWith(idPrefix.get()));
  }

  /** Whether a job comes after the cursor in this query's order (every job does without one). */
  public boolean beyondCursor(long submittedAt, String id) {
    return after.isEmpty() || compare(after.get().submittedAt(), after.get().id(), submittedAt, id) < 0;
  }

  /** Negative when job 1 is listed before job 2. */
  public int compare(long submittedAt1, String id1, long submittedAt2, String id2) {
    int c = submittedAt1 != submittedAt2 ? Long.compare(submittedAt1, submittedAt2) : id1.compareTo(id2);
    return newestFirst ? -c : c;
  }

  /** The listing order of entries. */
  public Comparator<JobPage.Entry> order() {
    return (a, b) -> compare(a.submittedAt(), a.job().id(), b.submittedAt(), b.job().id());
  }
}
