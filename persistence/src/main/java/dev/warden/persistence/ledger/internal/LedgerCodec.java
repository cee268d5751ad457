package dev.warden.persistence.ledger.internal;

import dev.warden.persistence.internal.Printable;
import dev.warden.persistence.ledger.JobEvent;
import java.io.NotSerializableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's compact binary format: {@link LedgerBatch} rows, {@link PartitionSnapshot}s and
 * single {@link JobEvent}s. A payload is a format version, a table of the job type names it uses
 * (written once, referenced by index), then the body: variable-length integers, UTF-8 strings
 * with their length (0 = null), one tag byte per event ({@link EventFormats}; snapshots:
 * {@link SnapshotFormat}). Used by {@link LedgerSerializer} and by {@code LedgerJournal}, so the
 * node and the offline reader decode rows the same way.
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
    PayloadWriter body = new PayloadWriter(256);
    TypeNames types = new TypeNames();
    if (o instanceof LedgerBatch batch) {
      batch(body, types, batch);
    } else if (o instanceof PartitionSnapshot snapshot) {
      SnapshotFormat.write(body, types, snapshot);
    } else if (o instanceof JobEvent event) {
      EventFormats.write(body, types, event);
    } else {
      throw new NotSerializableException("the ledger codec does not write " + o.getClass().getName());
    }
    PayloadWriter out = new PayloadWriter(body.size + 16 * types.list.size() + 8);
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
    PayloadReader in = new PayloadReader(bytes);
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
          result = batch(in, types);
          break;
        case SNAPSHOT:
          result = SnapshotFormat.read(in, types);
          break;
        case EVENT:
          result = EventFormats.read(in, types);
          break;
        default:
          throw new NotSerializableException("unknown ledger manifest [" + Printable.of(manifest, 100) + "]");
      }
      if (in.more()) {
        throw new NotSerializableException("ledger payload [" + Printable.of(manifest, 100) + "] has " + (bytes.length - in.pos) + " bytes after its end");
      }
      return result;
    } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
      throw new NotSerializableException("ledger payload [" + Printable.of(manifest, 100) + "] is truncated or damaged: " + Printable.of(e.toString()));
    }
  }

  /** A batch: its events, then, in an optional section written only when there are any, its type holds. */
  private static void batch(PayloadWriter out, TypeNames types, LedgerBatch batch) {
    out.uint(batch.events().size());
    for (JobEvent e : batch.events()) {
      EventFormats.write(out, types, e);
    }
    List<TypeHold> holds = batch.holds();
    if (!holds.isEmpty()) { // rows without holds are written as before holds existed
      out.uint(holds.size());
      for (TypeHold h : holds) {
        out.uint(types.index(h.type()));
        out.slong(h.at());
        out.uint(h.paused() ? 1 : 0);
      }
    }
  }

  private static LedgerBatch batch(PayloadReader in, String[] types) throws NotSerializableException {
    int n = in.count();
    List<JobEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(EventFormats.read(in, types));
    }
    List<TypeHold> holds = new ArrayList<>(0);
    for (int i = in.more() ? in.section() : 0; i > 0; i--) {
      holds.add(new TypeHold(types[in.uint()], in.slong(), in.uint() != 0));
    }
    return new LedgerBatch(List.copyOf(events), List.copyOf(holds));
  }
}
