package dev.warden.persistence.ledger;

import java.util.List;
import java.util.Optional;

/**
 * One page of {@link JobLedger#list}: at most the query's limit of jobs in its order, and the
 * cursor of the next page when more jobs follow.
 */
public record JobPage(List<Entry> jobs, Optional<JobCursor> next) {

  public JobPage {
    jobs = List.copyOf(jobs);
  }

  /**
   * One listed job: its state (without a failure's stack trace; {@link JobLedger#status} has it)
   * and when it was submitted (epoch ms).
   */
  public record Entry(long submittedAt, JobView job) {
    public JobCursor cursor() {
      return new JobCursor(submittedAt, job.id());
    }
  }
}
