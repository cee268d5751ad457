package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.internal.Printable;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger's compact binary format: {@link LedgerBatch} rows, {@link PartitionSnapshot}s and
 * single {@link JobEvent}s. A payload is a format version, a table of the job type names it uses
 * (written once, referenced by index), then the body: variable-length integers, UTF-8 strings
 * with their length (0 = null), one tag byte per event. Used by {@link LedgerSerializer} and by
 * {@code LedgerJournal}, so the node and the offline reader decode rows the same way.
 *
 * <p>Tags and status codes are part of the format: never renumber them, only add new ones.
 */
public final class LedgerCodec {
  /** Pekko serializer id of the binding (see the persistence module's warden-defaults.conf). */
  public static final int SERIALIZER_ID = 7201;
  public static final String BATCH = "B";
  public static final String SNAPSHOT = "S";
  public static final String EVENT = "E";

  private static final int VERSION = 1;

  private static final int SUBMITTED = 1;
  private static final int STARTED = 2;
  private static final int HEARTBEAT = 3;
  private static final int COMPLETED = 4;
  private static final int FAILED = 5;
  private static final int REAPED = 6;
  private static final int RETRY_SCHEDULED = 7;
  private static final int SUCCEEDED = 8;
  private static final int GAVE_UP = 9;
  private static final int CANCELLED = 10;
  private static final int BLOCKED_BY_PARENT = 11;
  private static final int RELEASED = 12;
  private static final int OPERATOR_RETRIED = 13;
  private static final int SUSPENDED = 14;
  /** A Failed event with its exception's class and stack trace; FAILED (5) rows, from before, have neither. */
  private static final int FAILED_TRACED = 15;

  /** Status codes in snapshots, fixed independently of the enum's order. */
  private static final JobStatus[] STATUS = {
    JobStatus.PENDING, JobStatus.WAITING_FOR_PARENT, JobStatus.RUNNING, JobStatus.RETRY_WAIT,
    JobStatus.BLOCKED_BY_PARENT, JobStatus.SUCCEEDED, JobStatus.GAVE_UP, JobStatus.CANCELLED
  };

  private LedgerCodec() {}

  /** The manifest of {@code o}, or an exception naming its class if the codec does not write it. */
  public static String manifest(Object o) throws NotSerializableException {
    if (o instanceof LedgerBatch) {
      return BATCH;
    } else if (o instanceof PartitionSnapshot) {
      return SNAPSHOT;
    } else if (o instanceof JobEvent) {
      return EVENT;
    }
    throw new NotSerializableException("the ledger codec does not write " + o.getClass().getName());
  }

  public static byte[] encode(Object o) throws NotSerializableException {
    Out body = new Out(256);
    Names types = new Names();
    if (o instanceof LedgerBatch) {
      List<JobEvent> events = ((LedgerBatch) o).events();
      body.uint(events.size());
      for (JobEvent e : events) {
        event(body, types, e);
      }
      List<TypeHold> holds = ((LedgerBatch) o).holds();
      if (!holds.isEmpty()) { // an optional section: rows without holds are written as before
        body.uint(holds.size());
        for (TypeHold h : holds) {
          body.uint(types.index(h.type()));
          body.slong(h.at());
          body.uint(h.paused() ? 1 : 0);
        }
      }
    } else if (o instanceof PartitionSnapshot) {
      snapshot(body, types, (PartitionSnapshot) o);
    } else if (o instanceof JobEvent) {
      event(body, types, (JobEvent) o);
    } else {
      throw new NotSerializableException("the ledger codec does not write " + o.getClass().getName());
    }
    Out out = new Out(body.size + 16 * types.list.size() + 8);
    out.uint(VERSION);
    out.uint(types.list.size());
    for (String t : types.list) {
      out.str(t);
    }
    out.bytes(body.buf, body.size);
    return out.toArray();
  }

  /** Decodes a payload written under {@code manifest}; throws with the reason if it is not one. */
  public static Object decode(byte[] bytes, String manifest) throws NotSerializableException {
    In in = new In(bytes);
    try {
      int version = in.uint();
      if (version != VERSION) {
        throw new NotSerializableException("ledger payload of format version " + version + "; this codec reads " + VERSION);
      }
      String[] types = new String[in.count()];
      for (int i = 0; i < types.length; i++) {
        types[i] = in.str();
      }
      Object result;
      switch (manifest) {
        case BATCH:
          int n = in.count();
          List<JobEvent> events = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            events.add(event(in, types));
          }
          List<TypeHold> holds = new ArrayList<>(0);
          for (int i = in.pos < bytes.length ? in.section() : 0; i > 0; i--) {
            holds.add(new TypeHold(types[in.uint()], in.slong(), in.uint() != 0));
          }
          result = new LedgerBatch(List.copyOf(events), List.copyOf(holds));
          break;
        case SNAPSHOT:
          result = snapshot(in, types);
          break;
        case EVENT:
          result = event(in, types);
          break;
        default:
          throw new NotSerializableException("unknown ledger manifest [" + Printable.of(manifest, 100) + "]");
      }
      if (in.pos != bytes.length) {
        throw new NotSerializableException("ledger payload [" + Printable.of(manifest, 100) + "] has " + (bytes.length - in.pos) + " bytes after its end");
      }
      return result;
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      throw new NotSerializableException("ledger payload [" + Printable.of(manifest, 100) + "] is truncated or damaged: " + Printable.of(e.toString()));
    }
  }

  private static void snapshot(Out out, Names types, PartitionSnapshot s) {
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
        event(out, types, e);
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

  private static PartitionSnapshot snapshot(In in, String[] types) throws NotSerializableException {
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
        history[k] = event(in, types);
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
    String[] paused = new String[in.pos < in.buf.length ? in.section() : 0];
    for (int i = 0; i < paused.length; i++) {
      paused[i] = types[in.uint()];
    }
    return new PartitionSnapshot(List.copyOf(jobs), List.of(order), counts, List.of(paused));
  }

  private static void event(Out out, Names types, JobEvent e) {
    if (e instanceof JobEvent.Submitted) {
      JobEvent.Submitted s = (JobEvent.Submitted) e;
      head(out, SUBMITTED, e);
      out.uint(types.index(s.type()));
      out.str(s.payload());
      out.str(s.parent());
    } else if (e instanceof JobEvent.Started) {
      JobEvent.Started s = (JobEvent.Started) e;
      head(out, STARTED, e);
      out.sint(s.attempt());
      out.slong(s.deadline() - s.at());
    } else if (e instanceof JobEvent.Heartbeat) {
      head(out, HEARTBEAT, e);
      out.sint(((JobEvent.Heartbeat) e).attempt());
    } else if (e instanceof JobEvent.Completed) {
      JobEvent.Completed c = (JobEvent.Completed) e;
      head(out, COMPLETED, e);
      out.sint(c.attempt());
      out.str(c.result());
    } else if (e instanceof JobEvent.Failed) {
      JobEvent.Failed f = (JobEvent.Failed) e;
      boolean traced = f.errorClass() != null || f.stackTrace() != null;
      head(out, traced ? FAILED_TRACED : FAILED, e);
      out.sint(f.attempt());
      out.str(f.cause());
      out.uint(f.retryable() ? 1 : 0);
      if (traced) {
        out.str(f.errorClass());
        out.str(f.stackTrace());
      }
    } else if (e instanceof JobEvent.Reaped) {
      JobEvent.Reaped r = (JobEvent.Reaped) e;
      head(out, REAPED, e);
      out.sint(r.attempt());
      out.str(r.reason());
    } else if (e instanceof JobEvent.RetryScheduled) {
      JobEvent.RetryScheduled r = (JobEvent.RetryScheduled) e;
      head(out, RETRY_SCHEDULED, e);
      out.sint(r.nextAttempt());
      out.slong(r.notBefore() - r.at());
    } else if (e instanceof JobEvent.Succeeded) {
      head(out, SUCCEEDED, e);
      out.sint(((JobEvent.Succeeded) e).attempt());
    } else if (e instanceof JobEvent.GaveUp) {
      JobEvent.GaveUp g = (JobEvent.GaveUp) e;
      head(out, GAVE_UP, e);
      out.sint(g.attempt());
      out.str(g.reason());
    } else if (e instanceof JobEvent.Cancelled) {
      JobEvent.Cancelled c = (JobEvent.Cancelled) e;
      head(out, CANCELLED, e);
      out.sint(c.attempt());
      out.str(c.reason());
    } else if (e instanceof JobEvent.BlockedByParent) {
      JobEvent.BlockedByParent b = (JobEvent.BlockedByParent) e;
      head(out, BLOCKED_BY_PARENT, e);
      out.str(b.parent());
      out.str(b.parentStatus());
    } else if (e instanceof JobEvent.Released) {
      head(out, RELEASED, e);
      out.str(((JobEvent.Released) e).parent());
    } else if (e instanceof JobEvent.OperatorRetried) {
      head(out, OPERATOR_RETRIED, e);
      out.sint(((JobEvent.OperatorRetried) e).attempt());
    } else if (e instanceof JobEvent.Suspended) {
      head(out, SUSPENDED, e);
      out.sint(((JobEvent.Suspended) e).attempt());
    } else {
      throw new IllegalStateException("no tag for " + e.getClass().getName()); // JobEvent is sealed: a new type needs a tag
    }
  }

  private static void head(Out out, int tag, JobEvent e) {
    out.uint(tag);
    out.str(e.jobId());
    out.slong(e.at());
  }

  private static JobEvent event(In in, String[] types) throws NotSerializableException {
    int tag = in.uint();
    String id = in.str();
    long at = in.slong();
    switch (tag) {
      case SUBMITTED:
        return new JobEvent.Submitted(id, at, types[in.uint()], in.str(), in.str());
      case STARTED:
        return new JobEvent.Started(id, at, in.sint(), at + in.slong());
      case HEARTBEAT:
        return new JobEvent.Heartbeat(id, at, in.sint());
      case COMPLETED:
        return new JobEvent.Completed(id, at, in.sint(), in.str());
      case FAILED:
        return new JobEvent.Failed(id, at, in.sint(), in.str(), in.uint() != 0);
      case FAILED_TRACED:
        return new JobEvent.Failed(id, at, in.sint(), in.str(), in.uint() != 0, in.str(), in.str());
      case REAPED:
        return new JobEvent.Reaped(id, at, in.sint(), in.str());
      case RETRY_SCHEDULED:
        return new JobEvent.RetryScheduled(id, at, in.sint(), at + in.slong());
      case SUCCEEDED:
        return new JobEvent.Succeeded(id, at, in.sint());
      case GAVE_UP:
        return new JobEvent.GaveUp(id, at, in.sint(), in.str());
      case CANCELLED:
        return new JobEvent.Cancelled(id, at, in.sint(), in.str());
      case BLOCKED_BY_PARENT:
        return new JobEvent.BlockedByParent(id, at, in.str(), in.str());
      case RELEASED:
        return new JobEvent.Released(id, at, in.str());
      case OPERATOR_RETRIED:
        return new JobEvent.OperatorRetried(id, at, in.sint());
      case SUSPENDED:
        return new JobEvent.Suspended(id, at, in.sint());
      default:
        // id was decoded from a damaged row: escaped, whichever journal plugin logs this
        throw new NotSerializableException("unknown ledger event tag " + tag + " for job [" + Printable.of(id, 100) + "]");
    }
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

  /** Type names in first-use order; each written once per payload. */
  private static final class Names {
    final List<String> list = new ArrayList<>(2);
    private final Map<String, Integer> index = new HashMap<>();

    int index(String name) {
      Integer i = index.get(name);
      if (i == null) {
        i = list.size();
        list.add(name);
        index.put(name, i);
      }
      return i;
    }
  }

  private static final class Out {
    byte[] buf;
    int size;

    Out(int capacity) {
      buf = new byte[Math.max(16, capacity)];
    }

    private void room(int n) {
      if (size + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
      }
    }

    void uint(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative count or attempt " + v);
      }
      ulong(v);
    }

    void sint(int v) {
      slong(v);
    }

    /** Zig-zag, then 7 bits per byte: small magnitudes (including negatives) stay short. */
    void slong(long v) {
      ulong((v << 1) ^ (v >> 63));
    }

    private void ulong(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    void str(String s) {
      if (s == null) {
        ulong(0);
        return;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      ulong(b.length + 1L);
      bytes(b, b.length);
    }

    void bytes(byte[] b, int n) {
      room(n);
      System.arraycopy(b, 0, buf, size, n);
      size += n;
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static final class In {
    final byte[] buf;
    int pos;

    In(byte[] buf) {
      this.buf = buf;
    }

    int uint() {
      long v = ulong();
      if (v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("count " + v + " out of range");
      }
      return (int) v;
    }

    /** A number of elements that follow: each takes at least one byte, so never more than remain. */
    int count() {
      int n = uint();
      if (n > buf.length - pos) {
        throw new IllegalArgumentException("count " + n + " past the end");
      }
      return n;
    }

    /** The count of an optional trailing section: written only when it has something, so never 0. */
    int section() {
      int n = count();
      if (n == 0) {
        throw new IllegalArgumentException("empty optional section at byte " + (pos - 1));
      }
      return n;
    }

    int sint() {
      long v = slong();
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("int " + v + " out of range");
      }
      return (int) v;
    }

    long slong() {
      long v = ulong();
      return (v >>> 1) ^ -(v & 1);
    }

    private long ulong() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = buf[pos++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException("variable-length integer longer than 10 bytes");
    }

    String str() {
      long n = ulong();
      if (n == 0) {
        return null;
      }
      int len = (int) (n - 1);
      if (n - 1 > buf.length - pos) {
        throw new IllegalArgumentException("string of " + (n - 1) + " bytes past the end");
      }
      String s = new String(buf, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }
  }
}
