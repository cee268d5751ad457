package dev.warden.persistence.ledger;

import java.util.regex.Pattern;

/**
 * A host-defined kind of job: a stable name (journaled with every job), the handler that runs an
 * attempt, and its policy. Register it with {@link JobLedger#register} on every start; journaled
 * jobs of the type wait until it is registered, then resume.
 */
public record JobType(String name, JobHandler handler, JobPolicy policy) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

  public JobType {
    checkName(name);
    if (handler == null || policy == null) {
      throw new IllegalArgumentException("job type [" + name + "] needs a handler and a policy");
    }
  }

  /** Throws naming the rule unless {@code name} is a valid job type name. */
  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("job type name must match " + NAME + ", but was " + name);
    }
  }

  public static JobType of(String name, JobHandler handler) {
    return new JobType(name, handler, JobPolicy.defaults());
  }

  public JobType withPolicy(JobPolicy p) {
    return new JobType(name, handler, p);
  }
}
