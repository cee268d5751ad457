package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snapshot through the serializer the snapshot store uses (Pekko's Jackson, as bound for
 * {@code WardenSerializable}): the match points are written from the index's own arrays and read
 * back into a new index, which answers exactly as the original.
 */
class IndexSnapshotSerializationTest {
  private static ActorSystem<Void> system;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "snapshot-serialization", Warden.loadConfig(ConfigFactory.parseString(
        "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off")));
    serialization = SerializationExtension.get(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static IndexSnapshot roundTrip(IndexSnapshot s) {
    var serializer = serialization.findSerializerFor(s);
    assertThat(serializer.getClass().getSimpleName()).contains("Jackson");
    byte[] bytes = serialization.serialize(s).get();
    String manifest = Serializers.manifestFor(serializer, s);
    return (IndexSnapshot) serialization.deserialize(bytes, serializer.identifier(), manifest).get();
  }

  @Test
  void restoredFromSerializedBytesTheIndexGivesIdenticalAnswers() {
    PatternIndex index = new PatternIndex();
    SplittableRandom random = new SplittableRandom(11);
    String[] symbols = {"\"USDJPY\"", "\"EURUSD\"", "\"usdjpy\"", "NIL"};
    for (int i = 0; i < 30_000; i++) {
      String sl = random.nextInt(50) == 0 ? "0" : (1 + random.nextInt(300)) / 100.0 + "";
      String tp = random.nextInt(7) == 0 ? "3/8" : (1 + random.nextInt(400)) / 100.0 + "d0";
      index.add(random.nextInt(10) == 0 ? Source.RETIRED : Source.GRAVEYARD,
          PatternIndexTest.rec(random.nextBoolean() ? "60" : "60.0", ":BUY", symbols[random.nextInt(symbols.length)],
              sl, tp, random.nextInt(5) == 0 ? null : "" + PatternIndexTest.ago(random.nextDouble() * 3)));
    }
    IndexSnapshot snapshot = index.snapshot();
    long pointsAtSnapshot = index.matchPoints();
    // the writer goes on while the snapshot store serializes: the snapshot must not change
    index.add(Source.GRAVEYARD, PatternIndexTest.rec("60", ":BUY", "\"GBPUSD\"", "7.77", "8.88", null));
    assertThat(index.matchPoints()).isEqualTo(pointsAtSnapshot + 1);

    IndexSnapshot back = roundTrip(snapshot);
    PatternIndex restored = PatternIndex.restore(back);
    assertThat(restored.matchPoints()).isEqualTo(pointsAtSnapshot).isGreaterThan(10_000);
    assertThat(restored.matchesPattern("GBPUSD", 7.77, 8.88)).as("added after the snapshot").isFalse();
    assertThat(restored.stored()).isEqualTo(30_000);
    assertThat(restored.highWater()).isEqualTo(30_000);
    assertThat(restored.exclusions()).isEqualTo(PatternIndex.restore(snapshot).exclusions());
    assertThat(restored.regions(PatternIndexTest.NOW_UT)).isNotEmpty()
        .isEqualTo(PatternIndex.restore(snapshot).regions(PatternIndexTest.NOW_UT));

    PatternIndex expected = PatternIndex.restore(snapshot);
    for (int q = 0; q < 10_000; q++) {
      double sl = random.nextInt(20) == 0 ? 0 : random.nextDouble() * 3.2;
      double tp = random.nextDouble() * 4.2;
      String symbol = List.of("USDJPY", "EURUSD", "usdjpy", "GBPUSD").get(random.nextInt(4));
      assertThat(restored.matchesPattern(symbol, sl, tp)).as("matches(%s, %s, %s)", symbol, sl, tp)
          .isEqualTo(expected.matchesPattern(symbol, sl, tp));
      assertThat(restored.shouldAvoid(sl, tp, PatternIndexTest.NOW_UT))
          .isEqualTo(expected.shouldAvoid(sl, tp, PatternIndexTest.NOW_UT));
    }
    // the restored index keeps distinct points only
    restored.add(Source.GRAVEYARD, PatternIndexTest.rec("60", ":BUY", "\"USDJPY\"", "0.5", "1.0d0", null));
    restored.add(Source.GRAVEYARD, PatternIndexTest.rec("60", ":BUY", "\"USDJPY\"", "0.5", "1.0d0", null));
    assertThat(restored.matchPoints()).isBetween(pointsAtSnapshot, pointsAtSnapshot + 1);
  }

  @Test
  void matchPointsKeepTheJsonShapeOfEarlierSnapshots() {
    PatternIndex index = new PatternIndex();
    index.add(Source.GRAVEYARD, PatternIndexTest.rec("60", ":BUY", "\"USDJPY\"", "0.35", "1.2", null));
    index.add(Source.GRAVEYARD, PatternIndexTest.rec("60", ":BUY", "\"USDJPY\"", "0.35", "1.2", null));
    index.add(Source.GRAVEYARD, PatternIndexTest.rec("60", ":BUY", "\"EURUSD\"", "0.5", "2.0", null));
    String json = new String(serialization.serialize(index.snapshot()).get(), StandardCharsets.UTF_8);
    assertThat(json).contains("\"matchPoints\":{\"EURUSD\":[0.5,2.0],\"USDJPY\":[0.35,1.2]}");
    // a snapshot written before the view (a plain map of arrays) still restores
    String old = json.replace("\"USDJPY\":[0.35,1.2]", "\"USDJPY\":[0.35,1.2,0.9,0.9]");
    var serializer = serialization.findSerializerFor(index.snapshot());
    IndexSnapshot back = (IndexSnapshot) serialization.deserialize(old.getBytes(StandardCharsets.UTF_8),
        serializer.identifier(), Serializers.manifestFor(serializer, index.snapshot())).get();
    PatternIndex restored = PatternIndex.restore(back);
    assertThat(restored.matchPoints()).isEqualTo(3);
    assertThat(restored.matchesPattern("USDJPY", 0.91, 0.89)).isTrue();
    assertThat(restored.matchesPattern("EURUSD", 0.51, 2.01)).isTrue();
  }

  /**
   * Rows journaled before graveyard events had their own binding were written by the shared
   * {@code jackson-json} serializer (gzip above 32 KiB). A row names its serializer id, so those
   * rows must still read, whatever the binding for new rows is.
   */
  @Test
  void eventsWrittenByTheEarlierJacksonJsonBindingStillRead() {
    java.util.List<String> patterns = new java.util.ArrayList<>();
    for (int i = 0; i < 2_000; i++) { // > 32 KiB, so the old serializer gzips it
      patterns.add("(:NAME \"P-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\" :SL 0." + (i % 90 + 10) + " :TP 1.2d0)");
    }
    PatternJournal.PatternsRecorded event = new PatternJournal.PatternsRecorded(Source.GRAVEYARD, List.copyOf(patterns), null);
    var current = serialization.findSerializerFor(event);
    var old = serialization.serializerByIdentity().apply(31); // pekko's jackson-json
    // pekko's jackson-json binding (Warden's DeferredJacksonSerializer: the same serializer, mapper built on first use)
    assertThat(((org.apache.pekko.serialization.jackson.JacksonSerializer) old).bindingName()).isEqualTo("jackson-json");
    assertThat(current.identifier()).as("new rows use the graveyard binding").isNotEqualTo(old.identifier());
    byte[] oldBytes = old.toBinary(event);
    assertThat(oldBytes[0] & 0xff).as("gzip magic: the old large-row format").isEqualTo(0x1f);
    String manifest = Serializers.manifestFor(old, event);
    assertThat(serialization.deserialize(oldBytes, old.identifier(), manifest).get()).isEqualTo(event);
    byte[] newBytes = serialization.serialize(event).get();
    assertThat(serialization.deserialize(newBytes, current.identifier(), Serializers.manifestFor(current, event)).get())
        .isEqualTo(event);
  }

  /** Import progress carries the file's stamp and whole-prefix hash; progress journaled before them still reads. */
  @Test
  void importProgressRoundTripsWithItsStampAndEarlierProgressStillReads() {
    FileStamp stamp = new FileStamp(1234, 1_767_225_600_123_456_789L, 1_767_225_600_223_456_789L, "(dev=803,ino=42)");
    FileProgress progress = FileProgress.of("graveyard:/data/graveyard.sexp", Source.GRAVEYARD, "/data/graveyard.sexp",
        new dev.warden.workers.graveyard.legacy.ResumePoint(1200, dev.warden.workers.graveyard.legacy.Layout.RECORD_PER_LINE), 17,
        "ab".repeat(32), stamp, 3);
    PatternJournal.PatternsRecorded event = new PatternJournal.PatternsRecorded(Source.GRAVEYARD, List.of(), progress);
    var serializer = serialization.findSerializerFor(event);
    String manifest = Serializers.manifestFor(serializer, event);
    byte[] bytes = serialization.serialize(event).get();
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertThat(back).isEqualTo(event);
    assertThat(((PatternJournal.PatternsRecorded) back).progress().stamp().unchanged(stamp)).isTrue();

    String json = new String(bytes, StandardCharsets.UTF_8);
    assertThat(json).contains("\"prefixHash\"").contains("\"stamp\"");
    String old = json.replaceAll(",\"prefixHash\":\"[0-9a-f]+\"", "").replaceAll(",\"stamp\":\\{[^}]*\\}", "")
        .replace(",\"rangesQuarantined\":3", "").replace("\"headHash\":null", "\"headHash\":\"cd\"");
    FileProgress earlier = ((PatternJournal.PatternsRecorded) serialization.deserialize(
        old.getBytes(StandardCharsets.UTF_8), serializer.identifier(), manifest).get()).progress();
    assertThat(earlier.prefixHash()).isNull();
    assertThat(earlier.stamp()).isNull();
    assertThat(earlier.headHash()).isEqualTo("cd");
    assertThat(earlier.offset()).isEqualTo(1200);
    assertThat(earlier.recordsImported()).isEqualTo(17);
  }
}
