package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.LedgerKind;
import org.slf4j.MDC;

/**
 * The MDC of a log line about one job: {@code kind} ({@value LedgerKind#NAME}), {@code jobId} and
 * {@code jobType}, so a log pattern with {@code %X{jobId}} (or a JSON encoder) lets a user grep one
 * job's story. Set around each line rather than per message: a partition handles many jobs in one
 * message (a flush), and commands stashed while a batch is written are handled inside the journal's
 * reply, which no interceptor on the partition's commands sees. Runs on the partition's thread.
 */
final class JobMdc {
  static final String KIND = "kind";
  static final String JOB_ID = "jobId";
  static final String JOB_TYPE = "jobType";

  private JobMdc() {}

  /** Runs {@code line} (one log call) with the job's keys set; puts back what was there before. {@code type} may be null (unknown job). */
  static void log(String jobId, String type, Runnable line) {
    String kind = MDC.get(KIND);
    String id = MDC.get(JOB_ID);
    String jobType = MDC.get(JOB_TYPE);
    MDC.put(KIND, LedgerKind.NAME);
    MDC.put(JOB_ID, jobId);
    if (type != null) {
      MDC.put(JOB_TYPE, type);
    } else {
      MDC.remove(JOB_TYPE);
    }
    try {
      line.run();
    } finally {
      restore(KIND, kind);
      restore(JOB_ID, id);
      restore(JOB_TYPE, jobType);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
