package dev.warden.persistence.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.JobStatus;
import java.io.NotSerializableException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;

class LedgerCodecTest {
  private static final long AT = 1_763_900_000_123L;

  /** One of every event type, with nulls, empty and non-ASCII strings and extreme numbers. */
  static final List<JobEvent> EVERY_EVENT =
      List.of(
          new JobEvent.Submitted("job-1", AT, "resize", "{\"w\":640,\"name\":\"Zoë ✓\"}", null),
          new JobEvent.Submitted("job-2", AT + 1, "resize", "", "job-1"),
          new JobEvent.Submitted("job-3", AT + 2, "other.type_2", null, null),
          new JobEvent.Started("job-1", AT + 3, 1, AT + 3 + 30_000),
          new JobEvent.Started("job-3", AT + 4, Integer.MAX_VALUE, Long.MAX_VALUE),
          new JobEvent.Heartbeat("job-1", AT + 5, 1),
          new JobEvent.Completed("job-1", AT + 6, 1, "ok: 日本"),
          new JobEvent.Completed("job-4", AT + 6, 2, null),
          new JobEvent.Failed("job-2", AT + 7, 1, "boom", true),
          new JobEvent.Failed("job-2", AT + 8, 2, null, false),
          new JobEvent.Failed("job-2", AT + 8, 3, "java.lang.IllegalStateException: x", true, "java.lang.IllegalStateException",
              "java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)"),
          new JobEvent.Reaped("job-3", AT + 9, 1, "start-to-close deadline passed 5 ms ago"),
          new JobEvent.RetryScheduled("job-2", AT + 10, 3, AT + 10 + 250),
          new JobEvent.RetryScheduled("job-5", 0, 0, Long.MIN_VALUE),
          new JobEvent.Succeeded("job-1", AT + 11, 1),
          new JobEvent.GaveUp("job-2", AT + 12, 3, "attempts exhausted (3 of 3): boom"),
          new JobEvent.Cancelled("job-3", AT + 13, 0, "cancelled by request"),
          new JobEvent.BlockedByParent("job-6", AT + 14, "job-2", "GAVE_UP"),
          new JobEvent.Released("job-6", -1, "job-2"),
          new JobEvent.OperatorRetried("job-2", AT + 15, 3),
          new JobEvent.Suspended("job-1", AT + 16, 2),
          new JobEvent.StaleReport("job-3", AT + 17, 1, "completion", 2, "SUCCEEDED"));

  @Test
  void everyEventTypeRoundTripsAloneAndInABatch() throws Exception {
    assertEquals(15, EVERY_EVENT.stream().map(Object::getClass).distinct().count(), "one of each of the 15 event types");
    for (JobEvent e : EVERY_EVENT) {
      assertEquals(LedgerCodec.EVENT, LedgerCodec.manifest(e));
      assertEquals(e, LedgerCodec.decode(LedgerCodec.encode(e), LedgerCodec.EVENT));
    }
    LedgerBatch batch = new LedgerBatch(EVERY_EVENT);
    assertEquals(batch, LedgerCodec.decode(LedgerCodec.encode(batch), LedgerCodec.BATCH));
    LedgerBatch empty = new LedgerBatch(List.of());
    assertEquals(empty, LedgerCodec.decode(LedgerCodec.encode(empty), LedgerCodec.BATCH));
  }

  /**
   * The bytes of one encoded event of each type (and of a batch with holds, and of a snapshot),
   * pinned: journals already on disk hold exactly these, so any change to how the codec is built
   * must leave them as they are.
   */
  @Test
  void everyEventTypeBatchAndSnapshotIsWrittenByteForByteAsPinned() throws Exception {
    List<String> pinned = List.of(
        "010107726573697a6501066a6f622d31f69d908ad666001c7b2277223a3634302c226e616d65223a225a6fc3ab20e29c"
            + "93227d00",
        "010107726573697a6501066a6f622d32f89d908ad6660001066a6f622d31",
        "01010d6f746865722e747970655f3201066a6f622d33fa9d908ad666000000",
        "010002066a6f622d31fc9d908ad66602e0d403",
        "010002066a6f622d33fe9d908ad666feffffff0f80e2eff5a999ffffff01",
        "010003066a6f622d31809e908ad66602",
        "010004066a6f622d31829e908ad666020b6f6b3a20e697a5e69cac",
        "010004066a6f622d34829e908ad6660400",
        "010005066a6f622d32849e908ad6660205626f6f6d01",
        "010005066a6f622d32869e908ad666040000",
        "01000f066a6f622d32869e908ad66606236a6176612e6c616e672e496c6c6567616c5374617465457863657074696f6e"
            + "3a207801206a6176612e6c616e672e496c6c6567616c5374617465457863657074696f6e376a6176612e6c616e672e49"
            + "6c6c6567616c5374617465457863657074696f6e3a20780a09617420612e422e6328422e6a6176613a3129",
        "010006066a6f622d33889e908ad666022873746172742d746f2d636c6f736520646561646c696e652070617373656420"
            + "35206d732061676f",
        "010007066a6f622d328a9e908ad66606f403",
        "010007066a6f622d350000ffffffffffffffffff01",
        "010008066a6f622d318c9e908ad66602",
        "010009066a6f622d328e9e908ad6660622617474656d70747320657868617573746564202833206f662033293a20626f"
            + "6f6d",
        "01000a066a6f622d33909e908ad666001563616e63656c6c65642062792072657175657374",
        "01000b066a6f622d36929e908ad666066a6f622d3208474156455f5550",
        "01000c066a6f622d3601066a6f622d32",
        "01000d066a6f622d32949e908ad66606",
        "01000e066a6f622d31969e908ad66604",
        "010010066a6f622d33989e908ad666020b636f6d706c6574696f6e040a535543434545444544");
    assertEquals(EVERY_EVENT.size(), pinned.size());
    for (int i = 0; i < EVERY_EVENT.size(); i++) {
      JobEvent e = EVERY_EVENT.get(i);
      assertEquals(pinned.get(i), HexFormat.of().formatHex(LedgerCodec.encode(e)), e.toString());
      assertEquals(e, LedgerCodec.decode(HexFormat.of().parseHex(pinned.get(i)), LedgerCodec.EVENT), e.toString());
    }
    LedgerBatch batch = new LedgerBatch(EVERY_EVENT.subList(0, 4),
        List.of(new TypeHold("resize", AT, true), new TypeHold("other", AT + 1, false)));
    String batchHex = "010307726573697a650d6f746865722e747970655f32066f746865720401066a6f622d31f69d908ad666001c7b227722"
        + "3a3634302c226e616d65223a225a6fc3ab20e29c93227d0001066a6f622d32f89d908ad6660001066a6f622d3101066a"
        + "6f622d33fa9d908ad66601000002066a6f622d31fc9d908ad66602e0d4030200f69d908ad6660102f89d908ad66600";
    assertEquals(batchHex, HexFormat.of().formatHex(LedgerCodec.encode(batch)));
    assertEquals(batch, LedgerCodec.decode(HexFormat.of().parseHex(batchHex), LedgerCodec.BATCH));
    JobSnapshot job = new JobSnapshot("job-9", "resize", "p", "job-1", JobStatus.RETRY_WAIT, 2, 1, AT + 30_000, AT + 500, null, "boom",
        EVERY_EVENT.subList(0, 3));
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    counts.put("resize", new TreeMap<>(Map.of("pending", 4L, "succeeded", 1_000_000_000_000L)));
    PartitionSnapshot snap = new PartitionSnapshot(List.of(job), List.of("job-1"), counts, List.of("resize"));
    String snapHex = "010207726573697a650d6f746865722e747970655f3201066a6f622d39000270066a6f622d31030402d6f2938ad666de"
        + "a5908ad6660005626f6f6d0301066a6f622d31f69d908ad666001c7b2277223a3634302c226e616d65223a225a6fc3ab"
        + "20e29c93227d0001066a6f622d32f89d908ad6660001066a6f622d3101066a6f622d33fa9d908ad66601000001066a6f"
        + "622d310100020870656e64696e67080a73756363656564656480c0a8ca9a3a0100";
    assertEquals(snapHex, HexFormat.of().formatHex(LedgerCodec.encode(snap)));
    assertEquals(snap, LedgerCodec.decode(HexFormat.of().parseHex(snapHex), LedgerCodec.SNAPSHOT));
  }

  @Test
  void aDamagedRowsDecodedJobIdIsEscapedInTheErrorWhicheverPluginLogsIt() throws Exception {
    JobEvent beat = new JobEvent.Heartbeat("job\u0000\u001b[31m\u00ff", 1_000L, 1);
    byte[] bytes = LedgerCodec.encode(beat);
    assertEquals(0, bytes[1], "an event that names no type has an empty type table");
    bytes[2] = 0x7e; // the event's tag: now one no codec wrote
    NotSerializableException e =
        assertThrows(NotSerializableException.class, () -> LedgerCodec.decode(bytes, LedgerCodec.manifest(beat)));
    assertTrue(e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7f), "printable ASCII only: " + e.getMessage());
    assertTrue(e.getMessage().contains("unknown ledger event tag 126 for job [job\\u0000\\u001b[31m\\u00ff]"), e.getMessage());
  }

  @Test
  void aFailedEventJournaledBeforeStackTracesWereKeptStillDecodes() throws Exception {
    // a one-event row as the codec wrote it before it kept the exception's class and trace (tag 5)
    byte[] old = HexFormat.of().parseHex(
        "01000105066a6f622d3780c895a3de66042b6a6176612e6c616e672e496c6c6567616c5374617465457863657074696f6e3a206469736b2066756c6c01");
    LedgerBatch batch = (LedgerBatch) LedgerCodec.decode(old, LedgerCodec.BATCH);
    JobEvent.Failed f = (JobEvent.Failed) batch.events().get(0);
    assertEquals(new JobEvent.Failed("job-7", 1765000000000L, 2, "java.lang.IllegalStateException: disk full", true), f);
    assertEquals(null, f.stackTrace());
    assertEquals(old.length, LedgerCodec.encode(batch).length, "a failure without a trace is still written the old way");
  }

  @Test
  void pausedTypesRoundTripInBatchesAndSnapshotsAndRowsWithoutThemAreWrittenAsBefore() throws Exception {
    LedgerBatch hold = new LedgerBatch(List.of(), List.of(new TypeHold("resize", AT, true), new TypeHold("other", AT + 1, false)));
    assertEquals(hold, LedgerCodec.decode(LedgerCodec.encode(hold), LedgerCodec.BATCH));
    LedgerBatch mixed = new LedgerBatch(EVERY_EVENT, List.of(new TypeHold("resize", AT, true)));
    assertEquals(mixed, LedgerCodec.decode(LedgerCodec.encode(mixed), LedgerCodec.BATCH));
    PartitionSnapshot snap = new PartitionSnapshot(List.of(), List.of(), Map.of(), List.of("resize", "x"));
    assertEquals(snap, LedgerCodec.decode(LedgerCodec.encode(snap), LedgerCodec.SNAPSHOT));
    // a row as written before holds existed: the same bytes, read back without holds
    byte[] old = HexFormat.of().parseHex(
        "01000105066a6f622d3780c895a3de66042b6a6176612e6c616e672e496c6c6567616c5374617465457863657074696f6e3a206469736b2066756c6c01");
    assertEquals(List.of(), ((LedgerBatch) LedgerCodec.decode(old, LedgerCodec.BATCH)).holds());
  }

  @Test
  void snapshotRoundTripsWithEveryStatusHistoriesAndCounts() throws Exception {
    List<JobSnapshot> jobs =
        Arrays.stream(JobStatus.values())
            .map(s -> new JobSnapshot("job-" + s, s.ordinal() % 2 == 0 ? "resize" : "other", "p-" + s, s == JobStatus.WAITING_FOR_PARENT ? "job-PENDING" : null,
                s, s.ordinal(), s.ordinal() / 2, AT + s.ordinal(), s == JobStatus.RETRY_WAIT ? AT + 500 : 0,
                s == JobStatus.SUCCEEDED ? "result" : null, s == JobStatus.GAVE_UP ? "cause" : null, EVERY_EVENT.subList(0, s.ordinal() + 1)))
            .toList();
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    counts.put("resize", Map.of("pending", 4L, "succeeded", 1_000_000_000_000L, "running", 0L));
    counts.put("unused-type", Map.of("failed", -1L));
    PartitionSnapshot snap = new PartitionSnapshot(jobs, List.of("job-SUCCEEDED", "job-GAVE_UP", "job-CANCELLED"), counts);
    assertEquals(LedgerCodec.SNAPSHOT, LedgerCodec.manifest(snap));
    assertEquals(snap, LedgerCodec.decode(LedgerCodec.encode(snap), LedgerCodec.SNAPSHOT));
  }

  @Test
  void typeNamesAreWrittenOncePerPayload() throws Exception {
    String type = "a-rather-long-job-type-name-that-would-dominate-the-row";
    List<JobEvent> many = java.util.stream.IntStream.range(0, 100).mapToObj(i -> (JobEvent) new JobEvent.Submitted("j" + i, AT, type, "", null)).toList();
    byte[] bytes = LedgerCodec.encode(new LedgerBatch(many));
    assertTrue(bytes.length < 100 * type.length(), "100 submits of one type took " + bytes.length + " bytes");
  }

  @Test
  void damagedOrForeignPayloadIsRejectedWithItsReason() throws Exception {
    byte[] good = LedgerCodec.encode(new LedgerBatch(EVERY_EVENT));
    NotSerializableException truncated =
        assertThrows(NotSerializableException.class, () -> LedgerCodec.decode(Arrays.copyOf(good, good.length / 2), LedgerCodec.BATCH));
    assertTrue(truncated.getMessage().contains("truncated or damaged"), truncated.getMessage());
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThrows(NotSerializableException.class, () -> LedgerCodec.decode(trailing, LedgerCodec.BATCH));
    byte[] future = good.clone();
    future[0] = 2;
    NotSerializableException version = assertThrows(NotSerializableException.class, () -> LedgerCodec.decode(future, LedgerCodec.BATCH));
    assertTrue(version.getMessage().contains("format version 2"), version.getMessage());
    assertThrows(NotSerializableException.class, () -> LedgerCodec.decode(good, "X"));
    assertThrows(NotSerializableException.class, () -> LedgerCodec.manifest("a string"));
  }

  @Test
  void nodeConfigBindsTheLedgerTypesToTheCodec() {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "codec-binding", Warden.loadConfig(ConfigFactory.empty()));
    try {
      Serialization serialization = SerializationExtension.get(system);
      for (Object o : List.of(new LedgerBatch(EVERY_EVENT), EVERY_EVENT.get(0),
          new PartitionSnapshot(List.of(), List.of(), Map.of()))) {
        var serializer = serialization.findSerializerFor(o);
        assertEquals(LedgerCodec.SERIALIZER_ID, serializer.identifier(), o.getClass().getName());
        byte[] bytes = serialization.serialize(o).get();
        assertEquals(o, serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, o)).get());
      }
    } finally {
      system.terminate();
    }
  }
}
