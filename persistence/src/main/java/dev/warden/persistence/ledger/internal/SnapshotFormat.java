package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The body of a {@link PartitionSnapshot} in the ledger codec: its jobs (each with its history),
 * the terminal jobs' retention order, the counts per type and bucket, and, in an optional trailing
 * section written only when there are any, the paused job types.
 */
final class SnapshotFormat {
  /** Status codes, fixed independently of the enum's order: part of the format. */
  private static final JobStatus[] STATUS = {
    JobStatus.PENDING, JobStatus.WAITING_FOR_PARENT, JobStatus.RUNNING, JobStatus.RETRY_WAIT,
    JobStatus.BLOCKED_BY_PARENT, JobStatus.SUCCEEDED, JobStatus.GAVE_UP, JobStatus.CANCELLED
  };

  private SnapshotFormat() {}

  static void write(PayloadWriter out, TypeNames types, PartitionSnapshot s) {
    out.uint(s.jobs().size());
    for (JobSnapshot j : s.jobs()) {
      out.str(j.id());
      out.uint(types.index(j.type()));
      out.str(j.payload());
      out.str(j.parent());
      out.uint(status(j.status()));
      out.sint(j.attempt());
      out.sint(j.budgetBase());
      out.slong(j.deadline());
      out.slong(j.notBefore());
      out.str(j.result());
      out.str(j.cause());
      out.uint(j.history().size());
      for (JobEvent e : j.history()) {
        EventFormats.write(out, types, e);
      }
    }
    out.uint(s.terminalOrder().size());
    for (String id : s.terminalOrder()) {
      out.str(id);
    }
    out.uint(s.counts().size());
    for (Map.Entry<String, Map<String, Long>> t : s.counts().entrySet()) {
      out.uint(types.index(t.getKey()));
      out.uint(t.getValue().size());
      for (Map.Entry<String, Long> b : t.getValue().entrySet()) {
        out.str(b.getKey());
        out.slong(b.getValue());
      }
    }
    if (!s.paused().isEmpty()) { // an optional section, as in batches
      out.uint(s.paused().size());
      for (String type : s.paused()) {
        out.uint(types.index(type));
      }
    }
  }

  static PartitionSnapshot read(PayloadReader in, String[] types) throws NotSerializableException {
    int n = in.count();
    List<JobSnapshot> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = in.str();
      String type = types[in.uint()];
      String payload = in.str();
      String parent = in.str();
      JobStatus status = status(in.uint());
      int attempt = in.sint();
      int budgetBase = in.sint();
      long deadline = in.slong();
      long notBefore = in.slong();
      String result = in.str();
      String cause = in.str();
      int h = in.count();
      JobEvent[] history = new JobEvent[h];
      for (int k = 0; k < h; k++) {
        history[k] = EventFormats.read(in, types);
      }
      jobs.add(new JobSnapshot(id, type, payload, parent, status, attempt, budgetBase, deadline, notBefore, result, cause,
          List.of(history)));
    }
    String[] order = new String[in.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = in.str();
    }
    int c = in.count();
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (int i = 0; i < c; i++) {
      String type = types[in.uint()];
      int b = in.count();
      Map<String, Long> buckets = new LinkedHashMap<>();
      for (int k = 0; k < b; k++) {
        buckets.put(in.str(), in.slong());
      }
      counts.put(type, Map.copyOf(buckets));
    }
    String[] paused = new String[in.more() ? in.section() : 0];
    for (int i = 0; i < paused.length; i++) {
      paused[i] = types[in.uint()];
    }
    return new PartitionSnapshot(List.copyOf(jobs), List.of(order), counts, List.of(paused));
  }

  private static int status(JobStatus s) {
    for (int i = 0; i < STATUS.length; i++) {
      if (STATUS[i] == s) {
        return i;
      }
    }
    throw new IllegalStateException("no code for status " + s); // a new status needs a code
  }

  private static JobStatus status(int code) throws NotSerializableException {
    if (code < 0 || code >= STATUS.length) {
      throw new NotSerializableException("unknown ledger job status code " + code);
    }
    return STATUS[code];
  }
}
