package dev.warden.core;

/**
 * The MDC keys Warden's log lines carry, so one kind's or one job's story can be followed across
 * actors (a pattern shows them with {@code %X{kind}}, {@code %X{jobId}}).
 *
 * <ul>
 *   <li>{@link #KIND}: every line an actor of a kind logs, and its supervisor's reports about it.
 *       The runtime sets it for each kind's root and for every child spawned with
 *       {@link KindContext#supervise}; a kind that spawns other actors itself wraps them with
 *       {@code Behaviors.withMdc}.
 *   <li>{@link #JOB_ID}: lines about one job or interaction, where an actor handles one at a time.
 *   <li>{@link #JOB_TYPE}: the job's type, where the ledger knows it.
 * </ul>
 */
public final class WardenMdc {
  /** The kind's name, e.g. {@code llm}. */
  public static final String KIND = "kind";

  /** The job's id in the ledger, e.g. {@code trial/study/3}. */
  public static final String JOB_ID = "jobId";

  /** The job's type in the ledger, e.g. {@code llm-normal}. */
  public static final String JOB_TYPE = "jobType";

  private WardenMdc() {}
}
