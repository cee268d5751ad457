package dev.warden.persistence.ledger;

/** {@link JobLedger#result} of a job that gave up or was cancelled, or is unknown. */
public final class JobFailedException extends RuntimeException {
  private final JobView job;

  public JobFailedException(String message, JobView job) {
    super(message);
    this.job = job;
  }

  /** The job as it ended; null for an unknown id. */
  public JobView job() {
    return job;
  }
}
