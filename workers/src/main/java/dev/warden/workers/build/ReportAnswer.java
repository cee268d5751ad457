package dev.warden.workers.build;

/**
 * The answer to a report. Accepted: recorded as {@code recorded}, the package now {@code status}.
 * Stale (its epoch is not the package's current lease, or it is not the reporter's): nothing
 * changed, {@code action} is "stop_work" and {@code reassignedTo} the package's holder now (or null).
 * Duplicate: this very lease's report was accepted before; nothing changed, nothing to stop.
 * {@code firstNotice} is true the first time a stale or duplicate lease is seen, to log it once.
 */
public record ReportAnswer(
    boolean accepted,
    boolean stale,
    boolean duplicate,
    String action,
    String reassignedTo,
    Recorded recorded,
    PackageStatus status,
    boolean firstNotice) {
  public static final String STOP_WORK = "stop_work";
  public static final String NONE = "none";

  static ReportAnswer accepted(Recorded recorded, PackageStatus status) {
    return new ReportAnswer(true, false, false, NONE, null, recorded, status, true);
  }

  static ReportAnswer stale(String reassignedTo, boolean firstNotice) {
    return new ReportAnswer(false, true, false, STOP_WORK, reassignedTo, null, null, firstNotice);
  }

  static ReportAnswer duplicate(Recorded recorded, PackageStatus status, boolean firstNotice) {
    return new ReportAnswer(false, false, true, NONE, null, recorded, status, firstNotice);
  }
}
