package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.warden.workers.graveyard.legacy.DamageReason;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer streams: a damaged legacy file larger than the importing JVM's whole heap
 * (about 100 MB against {@code -Xmx64m}) imports in full into a real H2 file database, in a child
 * JVM, and the answers afterwards equal a straightforward computation over the records the test
 * wrote. The expected answers are aggregated while writing (per cluster: count, bounds, weight at
 * each probe time; per symbol: a bit per distinct (SL, TP) grid point), so the test itself never
 * holds the records.
 */
class GraveyardLargeImportTest {
  private static final String CHILD_HEAP = "64m";
  private static final long MIN_FILE_BYTES = 100L << 20;
  private static final double MONTH = 2_592_000d;
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  private static final double NOW_UT = Decay.universal(NOW);
  /** Probe times: now, two months on (rare clusters decay out), a week before. */
  private static final Instant[] NOWS = {NOW, NOW.plusSeconds(61L * 86_400), NOW.minusSeconds(7L * 86_400)};
  private static final String[] SYMBOLS = {"USDJPY", "EURUSD", "GBPUSD", "AUDJPY", "XAUUSD"};
  private static final String[] TIMEFRAMES = {"60", "60.0", "240", "15"};
  private static final String[] DIRECTIONS = {":BUY", ":SELL", null};
  /** SL and TP are hundredths on a grid: SL 0.05..2.49, TP 0.10..3.49. */
  private static final int SL_GRID = 250;
  private static final int TP_GRID = 350;
  private static final List<DamageReason> DAMAGE = List.of(DamageReason.CUT_SHORT, DamageReason.INTERLEAVED,
      DamageReason.STRAY_CLOSE_PAREN, DamageReason.BINARY_GARBAGE, DamageReason.INVALID_UTF8,
      DamageReason.TOP_LEVEL_ATOM);

  @TempDir Path dir;

  /** One cluster's aggregate, the legacy daemon's way. */
  private static final class Agg {
    long count;
    final double[] weight = new double[NOWS.length];
    Double slMin, slMax, tpMin, tpMax;

    boolean region(int now) {
      return weight[now] >= 5.0 && slMin != null && tpMin != null;
    }

    boolean contains(double sl, double tp) {
      return sl >= slMin && sl <= slMax && tp >= tpMin && tp <= tpMax;
    }
  }

  /** Writes a file and aggregates what the legacy daemon would compute over its intact records. */
  private static final class Generator {
    final SplittableRandom random;
    final Map<String, Agg> clusters;
    /** Per symbol, bit (sl * TP_GRID + tp) set for graveyard.sexp records with numeric SL and TP. */
    final Map<String, BitSet> points;
    final boolean retired;
    final Map<DamageReason, Long> damage = new EnumMap<>(DamageReason.class);
    long records;
    long bytes;
    int nextDamage;

    Generator(long seed, boolean retired, Map<String, Agg> clusters, Map<String, BitSet> points) {
      this.random = new SplittableRandom(seed);
      this.retired = retired;
      this.clusters = clusters;
      this.points = points;
    }

    /** Record i as text, aggregated when {@code count}. */
    String record(long i, boolean count) {
      int kind = random.nextInt(1000);
      String tf;
      String dir;
      String symbol = SYMBOLS[random.nextInt(SYMBOLS.length)];
      long ts;
      int slLo;
      int tpLo;
      if (random.nextInt(100_000) < 4) { // rare clusters: ~11 records 5 to 7 months old, weight near 5
        tf = "5";
        dir = ":BOTH";
        ts = Math.round(NOW_UT - (5 + 2 * random.nextDouble()) * MONTH);
        slLo = 150;
        tpLo = 200;
      } else {
        tf = TIMEFRAMES[random.nextInt(TIMEFRAMES.length)];
        dir = DIRECTIONS[random.nextInt(DIRECTIONS.length)];
        ts = Math.round(NOW_UT - random.nextDouble() * 240 * 86_400 + (kind < 10 ? 30 * 86_400 : 0));
        int c = (tf.hashCode() * 31 + (dir == null ? 0 : dir.hashCode())) * 31 + symbol.hashCode();
        slLo = 5 + Math.floorMod(c, 150);
        tpLo = 10 + Math.floorMod(c >> 8, 200);
      }
      int sl = slLo + random.nextInt(40);
      int tp = tpLo + random.nextInt(60);
      StringBuilder b = new StringBuilder(96).append("(:NAME \"P").append(Long.toString(i, 36)).append('"');
      b.append(" :TIMEFRAME ").append(tf);
      if (dir != null) {
        b.append(" :DIRECTION ").append(dir);
      }
      boolean symbolNil = kind >= 990 && kind < 993;
      b.append(" :SYMBOL ").append(symbolNil ? "NIL" : "\"" + symbol + "\"");
      boolean slNil = kind >= 993 && kind < 995;
      boolean tpMissing = kind >= 995 && kind < 998;
      if (kind == 989) {
        sl = 0; // a stored SL of 0: in the SL range, never matched
      }
      b.append(" :SL ").append(slNil ? "NIL" : sl / 100.0 + "");
      if (!tpMissing) {
        b.append(" :TP ").append(tp / 100.0).append((i & 1) == 0 ? "d0" : "");
      }
      String tsText = kind == 998 ? null : kind == 999 ? "NIL" : Long.toString(ts);
      if (tsText != null) {
        b.append(" :TIMESTAMP ").append(tsText);
      }
      b.append(")\n");
      if (count) {
        aggregate(tf, dir, symbolNil ? null : symbol, slNil ? -1 : sl, tpMissing ? -1 : tp, tsText);
      }
      return b.toString();
    }

    private void aggregate(String tf, String dir, String symbol, int sl, int tp, String ts) {
      if (!retired && symbol != null && sl >= 0 && tp >= 0) {
        points.computeIfAbsent(symbol, s -> new BitSet(SL_GRID * TP_GRID)).set(sl * TP_GRID + tp);
      }
      if ("NIL".equals(ts)) {
        return; // stored, in no cluster
      }
      String key = tf + "|" + (dir == null ? "NIL" : dir.substring(1)) + "|" + (symbol == null ? "NIL" : symbol);
      Agg a = clusters.computeIfAbsent(key, k -> new Agg());
      a.count++;
      double m = retired ? 0.25 : 1.0;
      for (int n = 0; n < NOWS.length; n++) {
        double age = ts == null ? 0 : (Decay.universal(NOWS[n]) - Long.parseLong(ts)) / MONTH;
        a.weight[n] += Math.pow(0.9, age) * m;
      }
      if (sl >= 0) {
        double v = sl / 100.0;
        a.slMin = a.slMin == null ? v : Math.min(a.slMin, v);
        a.slMax = a.slMax == null ? v : Math.max(a.slMax, v);
      }
      if (tp >= 0) {
        double v = tp / 100.0;
        a.tpMin = a.tpMin == null ? v : Math.min(a.tpMin, v);
        a.tpMax = a.tpMax == null ? v : Math.max(a.tpMax, v);
      }
    }

    /** About {@code targetBytes} of records, {@code damageRate} of them damaged (never two in a row). */
    void write(Path file, long targetBytes, double damageRate) throws IOException {
      boolean lastDamaged = true;
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        for (long i = 0; bytes < targetBytes; i++) {
          if (!lastDamaged && random.nextDouble() < damageRate) {
            damage(out, i);
            lastDamaged = true;
            continue;
          }
          emit(out, record(i, true).getBytes(StandardCharsets.ISO_8859_1));
          records++;
          lastDamaged = false;
        }
      }
    }

    private void damage(OutputStream out, long i) throws IOException {
      DamageReason kind = DAMAGE.get(nextDamage++ % DAMAGE.size());
      String rec = record(i, false);
      byte[] b;
      switch (kind) {
        case CUT_SHORT:
          b = (rec.substring(0, rec.indexOf(" :SL") + 6) + "\n").getBytes(StandardCharsets.ISO_8859_1);
          break;
        case INTERLEAVED:
          int cut = rec.indexOf(" :SL") + 3;
          String other = record(i + 1_000_000_000L, false).stripTrailing();
          b = (rec.substring(0, cut) + other + rec.substring(cut)).getBytes(StandardCharsets.ISO_8859_1);
          break;
        case STRAY_CLOSE_PAREN:
          b = "))\n".getBytes(StandardCharsets.ISO_8859_1);
          break;
        case BINARY_GARBAGE:
          b = new byte[] {0, 0, (byte) 0xff, (byte) 0xfe, 7, 'x', ')', '\n'};
          break;
        case INVALID_UTF8:
          b = rec.replace(":NAME \"", ":NAME \"\u00c3(").getBytes(StandardCharsets.ISO_8859_1);
          break;
        case TOP_LEVEL_ATOM:
          b = "WRITE-FAILED 42 \"disk full\"\n".getBytes(StandardCharsets.ISO_8859_1);
          break;
        default:
          throw new IllegalArgumentException("cannot inject " + kind);
      }
      damage.merge(kind, 1L, Long::sum);
      emit(out, b);
    }

    private void emit(OutputStream out, byte[] b) throws IOException {
      out.write(b);
      bytes += b.length;
    }
  }

  @Test
  void aDamagedFileLargerThanTheHeapImportsInAChildJvmWithTheLegacyAnswers() throws Exception {
    long t0 = System.nanoTime();
    Map<String, Agg> clusters = new TreeMap<>();
    Map<String, BitSet> points = new HashMap<>();
    Path file = dir.resolve("graveyard.sexp");
    Path retiredFile = dir.resolve("retired.sexp");
    Generator gy = new Generator(20261101L, false, clusters, points);
    gy.write(file, MIN_FILE_BYTES, 0.01);
    Generator rt = new Generator(7L, true, clusters, points);
    rt.write(retiredFile, 1L << 20, 0.01);
    long childHeap = Long.parseLong(CHILD_HEAP.replace("m", "")) << 20;
    assertThat(Files.size(file)).as("the file is larger than the child's whole heap").isGreaterThan(childHeap)
        .isGreaterThanOrEqualTo(MIN_FILE_BYTES);
    assertThat(gy.damage.keySet()).containsExactlyInAnyOrderElementsOf(DAMAGE);
    assertThat(gy.records).isGreaterThan(1_000_000);

    // probes: regions at each time, 30 shouldAvoid, 30 matchesPattern
    SplittableRandom random = new SplittableRandom(5);
    List<String> probes = new ArrayList<>();
    List<Boolean> expected = new ArrayList<>();
    for (Instant now : NOWS) {
      probes.add("regions " + now);
      expected.add(null);
    }
    for (int i = 0; i < 30; i++) {
      int n = random.nextInt(NOWS.length);
      double sl = random.nextInt(SL_GRID + 10) / 100.0 + (random.nextBoolean() ? 0 : 0.005);
      double tp = random.nextInt(TP_GRID + 10) / 100.0;
      probes.add("avoid " + NOWS[n] + " " + sl + " " + tp);
      boolean avoid = false;
      for (Agg a : clusters.values()) {
        avoid |= a.region(n) && a.contains(sl, tp);
      }
      expected.add(avoid);
    }
    String[] candidates = {"USDJPY", "EURUSD", "XAUUSD", "usdjpy", "NZDUSD", null};
    for (int i = 0; i < 30; i++) {
      String symbol = candidates[random.nextInt(candidates.length)];
      double sl = 0.02 + random.nextDouble() * 2.6;
      double tp = 0.05 + random.nextDouble() * 3.6;
      double sharpe = i % 7 == 0 ? 0.3 + random.nextDouble() : -random.nextDouble();
      probes.add("match " + (symbol == null ? "-" : symbol) + " " + sl + " " + tp + " " + sharpe);
      expected.add(legacyMatch(points, symbol, sl, tp, sharpe));
    }
    assertThat(expected.subList(NOWS.length, NOWS.length + 30)).as("avoid probes hit both ways").contains(true, false);
    assertThat(expected.subList(NOWS.length + 30, expected.size())).as("match probes hit both ways").contains(true, false);
    Path probeFile = dir.resolve("probes.txt");
    Files.write(probeFile, probes);

    double generated = (System.nanoTime() - t0) / 1e9;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(java, "-Xmx" + CHILD_HEAP, "-XX:+ExitOnOutOfMemoryError",
        "-cp", System.getProperty("java.class.path"), ImportFileMain.class.getName(),
        dir.resolve("data").toString(), file.toString(), retiredFile.toString(), probeFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    boolean finished = child.waitFor(240, TimeUnit.SECONDS);
    if (!finished) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String out = Files.readString(log, StandardCharsets.ISO_8859_1);
    String tail = out.length() > 4000 ? out.substring(out.length() - 4000) : out;
    assertThat(finished).as("child finished: %s", tail).isTrue();
    assertThat(child.exitValue()).as(tail).isZero();
    assertThat(out).doesNotContain("OutOfMemoryError");
    Files.deleteIfExists(file);

    assertFile(out, 0, gy);
    assertFile(out, 1, rt);
    assertThat(out).contains("STORED " + (gy.records + rt.records) + " degraded=no");

    // regions: exactly the expected clusters, same counts, bounds and weights
    for (int n = 0; n < NOWS.length; n++) {
      Map<String, Region> got = regions(out, n);
      Map<String, Agg> want = new TreeMap<>();
      final int at = n;
      clusters.forEach((k, a) -> {
        if (a.region(at)) {
          want.put(k, a);
        }
      });
      assertThat(got.keySet()).as("regions at %s", NOWS[n]).isEqualTo(want.keySet());
      for (Map.Entry<String, Agg> e : want.entrySet()) {
        Region r = got.get(e.getKey());
        Agg a = e.getValue();
        assertThat(r.failureCount()).as(e.getKey()).isEqualTo(a.count);
        assertThat(r.weight()).as(e.getKey()).isCloseTo(a.weight[n], within(1e-9 * a.weight[n]));
        assertThat(List.of(r.slMin(), r.slMax(), r.tpMin(), r.tpMax())).as(e.getKey())
            .containsExactly(a.slMin, a.slMax, a.tpMin, a.tpMax);
      }
    }
    assertThat(clusters.values()).as("some regions decay out between the probe times")
        .anyMatch(a -> a.region(0) && !a.region(1));
    assertThat(clusters.keySet()).as("60 and 60.0 are separate clusters").contains("60|BUY|USDJPY", "60.0|BUY|USDJPY");

    for (int i = NOWS.length; i < probes.size(); i++) {
      Matcher m = Pattern.compile("ANSWER " + i + " (true|false)").matcher(out);
      assertThat(m.find()).as("answer to %s", probes.get(i)).isTrue();
      assertThat(Boolean.parseBoolean(m.group(1))).as(probes.get(i)).isEqualTo(expected.get(i));
    }
    Matcher heap = Pattern.compile("HEAP max=(\\d+) peakAfterGc=(\\d+)").matcher(out);
    assertThat(heap.find()).isTrue();
    Matcher took = Pattern.compile("IMPORT seconds=([0-9.]+)").matcher(out);
    assertThat(took.find()).isTrue();
    System.out.printf("graveyard large import: %d MB file, %d records, %d damaged, written in %.1f s; child: max heap %d MB,"
        + " peak after GC %.1f MB, import %s s%n", gy.bytes >> 20, gy.records,
        gy.damage.values().stream().mapToLong(Long::longValue).sum(), generated, Long.parseLong(heap.group(1)) >> 20,
        Long.parseLong(heap.group(2)) / 1048576.0, took.group(1));
  }

  private static void assertFile(String out, int index, Generator g) {
    Matcher m = Pattern.compile("FILE " + index + " (\\d+) (\\d+) (\\d+)(.*)").matcher(out);
    assertThat(m.find()).as("report of file %d", index).isTrue();
    assertThat(Long.parseLong(m.group(1))).as("records read").isEqualTo(g.records);
    assertThat(Long.parseLong(m.group(2))).as("records imported").isEqualTo(g.records);
    long damaged = g.damage.values().stream().mapToLong(Long::longValue).sum();
    assertThat(Long.parseLong(m.group(3))).as("quarantined").isEqualTo(damaged);
    Map<DamageReason, Long> byReason = new EnumMap<>(DamageReason.class);
    for (String part : m.group(4).trim().split(" ")) {
      if (!part.isEmpty()) {
        String[] kv = part.split("=");
        byReason.put(DamageReason.valueOf(kv[0]), Long.parseLong(kv[1]));
      }
    }
    assertThat(byReason).isEqualTo(g.damage);
  }

  /** The legacy is-graveyard-pattern-p over every distinct stored point of the symbol. */
  private static boolean legacyMatch(Map<String, BitSet> points, String symbol, double sl, double tp, double sharpe) {
    if (sharpe >= 0.3) {
      return false;
    }
    BitSet bits = points.get(symbol == null ? "USDJPY" : symbol);
    if (bits == null) {
      return false;
    }
    for (int b = bits.nextSetBit(0); b >= 0; b = bits.nextSetBit(b + 1)) {
      double storedSl = (b / TP_GRID) / 100.0;
      double storedTp = (b % TP_GRID) / 100.0;
      if (Math.abs(sl - storedSl) < 0.05 * storedSl && Math.abs(tp - storedTp) < 0.05 * storedTp) {
        return true;
      }
    }
    return false;
  }

  private static final Pattern REGION = Pattern.compile("\\{\"timeframe\":(null|\"(.*?)\"),\"direction\":(null|\"(.*?)\"),"
      + "\"symbol\":(null|\"(.*?)\"),\"slMin\":([^,]+),\"slMax\":([^,]+),\"tpMin\":([^,]+),\"tpMax\":([^,]+),"
      + "\"failureCount\":(\\d+),\"weight\":([^}]+)\\}");

  /** The regions the child printed for probe {@code n}, by "timeframe|direction|symbol". */
  private static Map<String, Region> regions(String out, int n) {
    Map<String, Region> got = new TreeMap<>();
    Matcher line = Pattern.compile("(?m)^REGION " + n + " (.*)$").matcher(out);
    while (line.find()) {
      Matcher m = REGION.matcher(line.group(1));
      assertThat(m.matches()).as(line.group(1)).isTrue();
      Region r = new Region(m.group(2), m.group(4), m.group(6), Double.parseDouble(m.group(7)),
          Double.parseDouble(m.group(8)), Double.parseDouble(m.group(9)), Double.parseDouble(m.group(10)),
          Long.parseLong(m.group(11)), Double.parseDouble(m.group(12)));
      String key = r.timeframe() + "|" + (r.direction() == null ? "NIL" : r.direction()) + "|"
          + (r.symbol() == null ? "NIL" : r.symbol());
      assertThat(got.put(key, r)).as("one region per cluster: %s", key).isNull();
    }
    return got;
  }
}
