package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.internal.Printable;
import dev.warden.persistence.ledger.JobEvent;
import java.io.NotSerializableException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The ledger codec's events, one entry per event type: its tag, then how the fields after the
 * common head (tag, job id, time) are written and read, side by side and in the same order.
 *
 * <p>Tags are part of the format: never renumber them, only add new ones. A new event type needs
 * a tag and an entry here (writing one without throws; {@code LedgerCodecTest} round-trips every
 * type and pins the bytes of each).
 */
final class EventFormats {
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
  private static final int STALE_REPORT = 16;

  /** Writes an event's fields after its head. */
  @FunctionalInterface
  private interface Fields<E extends JobEvent> {
    void write(PayloadWriter out, TypeNames types, E e);
  }

  /** Reads an event's fields after its head and builds it. */
  @FunctionalInterface
  private interface Reader {
    JobEvent read(PayloadReader in, String[] types, String id, long at);
  }

  private record Writer<E extends JobEvent>(ToIntFunction<E> tag, Fields<E> fields) {}

  private static final Map<Class<?>, Writer<?>> WRITERS = new HashMap<>();
  private static final Reader[] READERS = new Reader[STALE_REPORT + 1];

  static {
    event(JobEvent.Submitted.class, SUBMITTED,
        (out, types, e) -> {
          out.uint(types.index(e.type()));
          out.str(e.payload());
          out.str(e.parent());
        },
        (in, types, id, at) -> new JobEvent.Submitted(id, at, types[in.uint()], in.str(), in.str()));
    event(JobEvent.Started.class, STARTED,
        (out, types, e) -> {
          out.sint(e.attempt());
          out.slong(e.deadline() - e.at());
        },
        (in, types, id, at) -> new JobEvent.Started(id, at, in.sint(), at + in.slong()));
    event(JobEvent.Heartbeat.class, HEARTBEAT,
        (out, types, e) -> out.sint(e.attempt()),
        (in, types, id, at) -> new JobEvent.Heartbeat(id, at, in.sint()));
    event(JobEvent.Completed.class, COMPLETED,
        (out, types, e) -> {
          out.sint(e.attempt());
          out.str(e.result());
        },
        (in, types, id, at) -> new JobEvent.Completed(id, at, in.sint(), in.str()));
    WRITERS.put(JobEvent.Failed.class, new Writer<JobEvent.Failed>(
        f -> traced(f) ? FAILED_TRACED : FAILED,
        (out, types, f) -> {
          out.sint(f.attempt());
          out.str(f.cause());
          out.uint(f.retryable() ? 1 : 0);
          if (traced(f)) {
            out.str(f.errorClass());
            out.str(f.stackTrace());
          }
        }));
    READERS[FAILED] = (in, types, id, at) -> new JobEvent.Failed(id, at, in.sint(), in.str(), in.uint() != 0);
    READERS[FAILED_TRACED] = (in, types, id, at) -> new JobEvent.Failed(id, at, in.sint(), in.str(), in.uint() != 0, in.str(), in.str());
    event(JobEvent.Reaped.class, REAPED,
        (out, types, e) -> {
          out.sint(e.attempt());
          out.str(e.reason());
        },
        (in, types, id, at) -> new JobEvent.Reaped(id, at, in.sint(), in.str()));
    event(JobEvent.RetryScheduled.class, RETRY_SCHEDULED,
        (out, types, e) -> {
          out.sint(e.nextAttempt());
          out.slong(e.notBefore() - e.at());
        },
        (in, types, id, at) -> new JobEvent.RetryScheduled(id, at, in.sint(), at + in.slong()));
    event(JobEvent.Succeeded.class, SUCCEEDED,
        (out, types, e) -> out.sint(e.attempt()),
        (in, types, id, at) -> new JobEvent.Succeeded(id, at, in.sint()));
    event(JobEvent.GaveUp.class, GAVE_UP,
        (out, types, e) -> {
          out.sint(e.attempt());
          out.str(e.reason());
        },
        (in, types, id, at) -> new JobEvent.GaveUp(id, at, in.sint(), in.str()));
    event(JobEvent.Cancelled.class, CANCELLED,
        (out, types, e) -> {
          out.sint(e.attempt());
          out.str(e.reason());
        },
        (in, types, id, at) -> new JobEvent.Cancelled(id, at, in.sint(), in.str()));
    event(JobEvent.BlockedByParent.class, BLOCKED_BY_PARENT,
        (out, types, e) -> {
          out.str(e.parent());
          out.str(e.parentStatus());
        },
        (in, types, id, at) -> new JobEvent.BlockedByParent(id, at, in.str(), in.str()));
    event(JobEvent.Released.class, RELEASED,
        (out, types, e) -> out.str(e.parent()),
        (in, types, id, at) -> new JobEvent.Released(id, at, in.str()));
    event(JobEvent.OperatorRetried.class, OPERATOR_RETRIED,
        (out, types, e) -> out.sint(e.attempt()),
        (in, types, id, at) -> new JobEvent.OperatorRetried(id, at, in.sint()));
    event(JobEvent.Suspended.class, SUSPENDED,
        (out, types, e) -> out.sint(e.attempt()),
        (in, types, id, at) -> new JobEvent.Suspended(id, at, in.sint()));
    event(JobEvent.StaleReport.class, STALE_REPORT,
        (out, types, e) -> {
          out.sint(e.attempt());
          out.str(e.report());
          out.sint(e.currentAttempt());
          out.str(e.currentStatus());
        },
        (in, types, id, at) -> new JobEvent.StaleReport(id, at, in.sint(), in.str(), in.sint(), in.str()));
  }

  private EventFormats() {}

  /** An event type written under one tag. */
  private static <E extends JobEvent> void event(Class<E> type, int tag, Fields<E> fields, Reader reader) {
    WRITERS.put(type, new Writer<>(e -> tag, fields));
    READERS[tag] = reader;
  }

  private static boolean traced(JobEvent.Failed f) {
    return f.errorClass() != null || f.stackTrace() != null;
  }

  static void write(PayloadWriter out, TypeNames types, JobEvent e) {
    @SuppressWarnings("unchecked") // registered under its own class only
    Writer<JobEvent> w = (Writer<JobEvent>) WRITERS.get(e.getClass());
    if (w == null) {
      throw new IllegalStateException("no tag for " + e.getClass().getName()); // JobEvent is sealed: a new type needs a tag
    }
    out.uint(w.tag().applyAsInt(e));
    out.str(e.jobId());
    out.slong(e.at());
    w.fields().write(out, types, e);
  }

  static JobEvent read(PayloadReader in, String[] types) throws NotSerializableException {
    int tag = in.uint();
    String id = in.str();
    long at = in.slong();
    Reader r = tag < READERS.length ? READERS[tag] : null;
    if (r == null) {
      // id was decoded from a damaged row: escaped, whichever journal plugin logs this
      throw new NotSerializableException("unknown ledger event tag " + tag + " for job [" + Printable.of(id, 100) + "]");
    }
    return r.read(in, types, id, at);
  }
}
