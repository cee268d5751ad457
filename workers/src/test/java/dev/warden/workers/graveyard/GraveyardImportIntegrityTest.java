package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a legacy file can do to an import and must not: poison the index with infinite values
 * or far-future timestamps, hide an edit, leave nothing readable unnoticed, or grow the
 * quarantine file on every run. A real node on an H2 file with a fixed clock.
 */
class GraveyardImportIntegrityTest {
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  private static final long NOW_UT = (long) Decay.universal(NOW);
  private static final long DAY = 86_400;

  @TempDir Path dir;

  private record Node(Warden warden, Graveyard graveyard) implements AutoCloseable {
    @Override
    public void close() {
      warden.close();
    }
  }

  private Node start() {
    GraveyardKind kind = GraveyardKind.create(Clock.fixed(NOW, ZoneOffset.UTC));
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(kind);
    Warden w = Warden.start(ConfigFactory.parseString(
        "warden.data-dir = \"" + dir.toAbsolutePath().resolve("data") + "\"\n"), kinds);
    GraveyardNodeTest.get(kind.graveyard().whenReady());
    return new Node(w, kind.graveyard());
  }

  private static FileReport importOne(Node n, Path file) {
    return GraveyardNodeTest.get(n.graveyard().importFiles(ImportRequest.of(file))).files().get(0);
  }

  private static String rec(int i, String sl, long timestamp) {
    return "(:NAME \"P" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USDJPY\" :SL " + sl
        + " :TP 1.2 :TIMESTAMP " + timestamp + ")\n";
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  /** The quarantine file's data lines by offset: reason. */
  private static Map<Long, String> quarantined(Path side) throws IOException {
    Map<Long, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(side)) {
      if (!line.startsWith("#")) {
        String[] f = line.split("\t");
        assertThat(out.put(Long.parseLong(f[0]), f[2])).as("offset listed once: %s", line).isNull();
      }
    }
    return out;
  }

  @Test
  void poisonRecordsAreQuarantinedWithOffsetsAndRegionsEqualTheLegacyDaemonsOnEveryIntactRecord() throws IOException {
    List<String> intact = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      intact.add(rec(i, "0.3" + i, NOW_UT - i * DAY));
    }
    intact.add(rec(6, "0.33", NOW_UT + 3600)); // an hour ahead: within the clock skew
    String infinite = rec(7, "1e999999999", NOW_UT);
    String bignum = rec(8, "1" + "0".repeat(400), NOW_UT);
    String future = rec(9, "0.31", NOW_UT + 10 * 365 * DAY);
    String text = intact.get(0) + infinite + intact.get(1) + intact.get(2) + bignum + intact.get(3) + future
        + intact.get(4) + intact.get(5) + intact.get(6);
    Path file = write("graveyard.sexp", text);
    try (Node n = start()) {
      FileReport r = importOne(n, file);
      assertThat(r.status()).isEqualTo(FileReport.Status.IMPORTED);
      assertThat(r.imported()).isEqualTo(intact.size());
      assertThat(r.quarantined()).isEqualTo(Map.of(DamageReason.NON_FINITE, 2L, DamageReason.FUTURE_TIMESTAMP, 1L));
      assertThat(quarantined(r.quarantineFile())).isEqualTo(Map.of(
          (long) text.indexOf(infinite), "NON_FINITE",
          (long) text.indexOf(bignum), "NON_FINITE",
          (long) text.indexOf(future), "FUTURE_TIMESTAMP"));

      LegacyOracle legacy = new LegacyOracle();
      intact.forEach(t -> legacy.add(Source.GRAVEYARD, LegacyRecord.parse(t)));
      for (Instant at : List.of(NOW, NOW.plusSeconds(300 * DAY))) {
        double ut = Decay.universal(at);
        List<Region> got = n.graveyard().regions(at);
        List<LegacyOracle.Agg> want = legacy.regions(ut);
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
          LegacyOracle.Agg a = want.get(i);
          Region g = got.get(i);
          assertThat(List.of(g.slMin(), g.slMax(), g.tpMin(), g.tpMax())).containsExactly(a.slMin, a.slMax, a.tpMin, a.tpMax);
          assertThat(g.failureCount()).isEqualTo(a.count);
          assertThat(g.weight()).isCloseTo(a.weight, within(1e-9));
        }
      }
      assertThat(n.graveyard().regions(NOW)).hasSize(1);
      assertThat(n.graveyard().shouldAvoid(5, 1e300, NOW)).isFalse();
      assertThat(n.graveyard().shouldAvoid(0.32, 1.2, NOW)).isTrue();
      assertThat(n.graveyard().regions(NOW.plusSeconds(300 * DAY))).as("nothing keeps the region alive").isEmpty();
    }
  }

  @Test
  void aSameSizeEditInTheMiddleIsReplacedWhileATouchIsUpToDateAndAnAppendImportsIncrementally() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < 300_000; i++) {
      b.append(rec(i, "0.3" + (i % 10), NOW_UT - DAY));
    }
    Path file = write("graveyard.sexp", b.toString());
    long records = b.toString().lines().count();
    try (Node n = start()) {
      assertThat(importOne(n, file).imported()).isEqualTo(records);
      FileReport same = importOne(n, file);
      assertThat(same.status()).isEqualTo(FileReport.Status.UP_TO_DATE);
      assertThat(same.bytesRead()).isZero();

      Files.setLastModifiedTime(file, FileTime.from(NOW)); // touched, same bytes: hashed, still up to date
      assertThat(importOne(n, file).status()).isEqualTo(FileReport.Status.UP_TO_DATE);
      assertThat(importOne(n, file).status()).isEqualTo(FileReport.Status.UP_TO_DATE);

      Files.writeString(file, rec(-1, "0.31", NOW_UT), StandardOpenOption.APPEND);
      FileReport appended = importOne(n, file);
      assertThat(appended.status()).isEqualTo(FileReport.Status.IMPORTED);
      assertThat(appended.imported()).isEqualTo(1);
      assertThat(appended.alreadyPresent()).isEqualTo(records);

      long middle = b.indexOf(":SL 0.3", 150_000) + 7;
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.seek(middle);
        int digit = raf.read();
        raf.seek(middle);
        raf.write(digit == '9' ? '8' : digit + 1); // one digit of one SL, same size
      }
      FileReport edited = importOne(n, file);
      assertThat(edited.status()).isEqualTo(FileReport.Status.REPLACED);
      assertThat(edited.note()).contains("changed").contains("stay stored");
      assertThat(n.graveyard().storedPatterns()).isEqualTo(records + 1);
    }
  }

  @Test
  void aFileOfNothingButGarbageIsReportedNothingReadableAndRecordsAppendedLaterImport() throws IOException {
    byte[] garbage = new byte[4096];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i % 64 == 63 ? '\n' : 0xfe - i % 7);
    }
    Path file = dir.resolve("graveyard.sexp");
    Files.write(file, garbage);
    try (Node n = start()) {
      ImportReport first = GraveyardNodeTest.get(n.graveyard().importFiles(ImportRequest.of(file)));
      assertThat(first.files().get(0).status()).isEqualTo(FileReport.Status.NOTHING_READABLE);
      assertThat(first.ok()).isFalse();
      assertThat(first.render()).contains("NOTHING_READABLE (not one intact record, only");
      assertThat(importOne(n, file).status()).as("and so it stays").isEqualTo(FileReport.Status.NOTHING_READABLE);
      Files.writeString(file, rec(0, "0.3", NOW_UT), StandardOpenOption.APPEND);
      FileReport later = importOne(n, file);
      assertThat(later.status()).isEqualTo(FileReport.Status.IMPORTED);
      assertThat(later.ok()).isTrue();
    }
  }

  @Test
  void reRunsAddNoHeaderAndNoQuarantineLineTheFileAlreadyHas() throws IOException {
    String cutAtEnd = "(:NAME \"being written\" :SL 0.3";
    Path file = write("graveyard.sexp", rec(0, "0.3", NOW_UT) + "))\n" + rec(1, "0.3", NOW_UT) + cutAtEnd);
    try (Node n = start()) {
      Path side = importOne(n, file).quarantineFile();
      for (int run = 0; run < 3; run++) {
        Files.setLastModifiedTime(file, FileTime.from(NOW.plusSeconds(run))); // each run reads the cut tail again
        assertThat(importOne(n, file).quarantined()).containsEntry(DamageReason.CUT_SHORT, 1L);
      }
      assertThat(quarantined(side)).containsOnlyKeys(
          (long) rec(0, "0.3", NOW_UT).length(), (long) Files.readString(file).indexOf(cutAtEnd));
      assertThat(Files.readAllLines(side).stream().filter(l -> l.startsWith("#"))).hasSize(1);
    }
  }
}
