package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The index answers exactly what a full pass over the same records answers. */
class PatternIndexTest {
  static final Instant NOW = Instant.parse("2026-01-15T00:00:00Z");
  static final double NOW_UT = Decay.universal(NOW);
  static final long MONTH = 2_592_000L;

  static String rec(String tf, String dir, String sym, String sl, String tp, String ts) {
    StringBuilder b = new StringBuilder("(:NAME \"X\"");
    if (tf != null) b.append(" :TIMEFRAME ").append(tf);
    if (dir != null) b.append(" :DIRECTION ").append(dir);
    if (sym != null) b.append(" :SYMBOL ").append(sym);
    if (sl != null) b.append(" :SL ").append(sl);
    if (tp != null) b.append(" :TP ").append(tp);
    b.append(" :SHARPE -0.4");
    if (ts != null) b.append(" :TIMESTAMP ").append(ts);
    return b.append(')').toString();
  }

  static long ago(double months) {
    return Math.round(NOW_UT - months * MONTH);
  }

  private final PatternIndex index = new PatternIndex();
  private final LegacyOracle oracle = new LegacyOracle();

  private void add(Source s, String text) {
    LegacyRecord r = LegacyRecord.parse(text);
    index.add(s, r.toSexp());
    oracle.add(s, r);
  }

  /** The edge cases of the issue, each in its own cluster, six records where a region needs weight. */
  private void edgeCases() {
    for (int i = 0; i < 6; i++) {
      add(Source.GRAVEYARD, rec("60", ":BUY", "\"USDJPY\"", "0.3" + i, "1.2" + i, "" + ago(0.1 * i)));
      add(Source.GRAVEYARD, rec("60.0", ":BUY", "\"USDJPY\"", "0.5" + i, "2.0" + i, "" + ago(0.1 * i)));
    }
    // NIL timestamp: stored, counted, in no cluster
    add(Source.GRAVEYARD, rec("60", ":BUY", "\"USDJPY\"", "9.0", "9.0", "NIL"));
    // future timestamps: weight above 1 each; 4 of them make a region (4 × 0.9^-2 ≈ 4.94 < 5, so 5)
    for (int i = 0; i < 5; i++) {
      add(Source.GRAVEYARD, rec("15", ":SELL", "\"EURUSD\"", "1." + i, "3." + i, "" + ago(-2)));
    }
    // SL without TP widens the SL range only
    for (int i = 0; i < 6; i++) {
      add(Source.GRAVEYARD, rec("240", ":BOTH", "\"GBPUSD\"", "0.2", "0.8", null));
    }
    add(Source.GRAVEYARD, rec("240", ":BOTH", "\"GBPUSD\"", "0.05", null, null));
    add(Source.GRAVEYARD, rec("240", ":BOTH", "\"GBPUSD\"", "0.07", "NIL", null));
    // retired weight by file (0.25 each even with :RETIRED T or without): 19 records < 5, 20 = 5
    for (int i = 0; i < 20; i++) {
      add(Source.RETIRED, rec("5", ":BUY", "\"AUDJPY\"", "0.4", "0.9", null));
    }
    for (int i = 0; i < 19; i++) {
      add(Source.RETIRED, rec("1", ":BUY", "\"AUDJPY\"", "0.4", "0.9", null));
    }
    // NIL components and a string timeframe
    for (int i = 0; i < 5; i++) {
      add(Source.GRAVEYARD, rec("NIL", "NIL", null, "2.5", "4.5", null));
      add(Source.GRAVEYARD, rec("\"H1\"", ":BUY", "\"usdjpy\"", "3." + i, "6." + i, null));
    }
    // stored SL of 0 and negative TP never match
    add(Source.GRAVEYARD, rec("60", ":BUY", "\"XAUUSD\"", "0", "1.0", null));
    add(Source.GRAVEYARD, rec("60", ":BUY", "\"XAUUSD\"", "1.0", "-1.0", null));
    add(Source.GRAVEYARD, rec("60", ":BUY", "\"XAUUSD\"", "3/8", "2.0d0", null));
    // the Lisp reader upcases symbols: :sell is :SELL, lowercase keys are known keys; 3 + 3 records make one region
    for (int i = 0; i < 3; i++) {
      add(Source.GRAVEYARD, rec("30", ":SELL", "\"NZDUSD\"", "0.7" + i, "1.7" + i, null));
      add(Source.GRAVEYARD, "(:name \"lower\" :timeframe 30 :direction :sell :symbol \"NZDUSD\" :sl 0.8" + i + " :tp 1.8" + i + ")");
    }
    // a symbol given as a Lisp symbol matches by its upcased name (string= takes designators)
    add(Source.GRAVEYARD, rec("60", ":BUY", "chfjpy", "0.6", "1.6", null));
    add(Source.GRAVEYARD, rec("60", ":BUY", ":CADJPY", "0.6", "1.6", null));
    // old records decay out: weight 6 × 0.9^24 ≈ 0.48
    for (int i = 0; i < 6; i++) {
      add(Source.GRAVEYARD, rec("1440", ":BUY", "\"USDJPY\"", "0.1", "0.2", "" + ago(24)));
    }
  }

  private void assertSameRegions(double now) {
    List<Region> got = index.regions(now);
    List<LegacyOracle.Agg> want = oracle.regions(now);
    assertThat(got).hasSize(want.size());
    Map<List<String>, LegacyOracle.Agg> byKey = new java.util.HashMap<>();
    want.forEach(a -> byKey.put(a.key, a));
    for (Region r : got) {
      ClusterKey k = Keys.query(r.timeframe(), r.direction(), r.symbol());
      List<String> key = List.of(nil(k.timeframe()), nil(k.direction()), nil(k.symbol()));
      LegacyOracle.Agg a = byKey.get(key);
      assertThat(a).as("region %s", r).isNotNull();
      assertThat(r.failureCount()).isEqualTo(a.count);
      assertThat(r.weight()).isCloseTo(a.weight, within(1e-9 * Math.max(1, a.weight)));
      assertThat(List.of(r.slMin(), r.slMax(), r.tpMin(), r.tpMax())).containsExactly(a.slMin, a.slMax, a.tpMin, a.tpMax);
    }
  }

  private static String nil(String s) {
    return s == null ? "NIL" : s;
  }

  @Test
  void regionsEqualAFullPassIncludingTheEdgeCases() {
    edgeCases();
    assertSameRegions(NOW_UT);
    List<Region> regions = index.regions(NOW_UT);
    assertThat(regions).filteredOn(r -> "30".equals(r.timeframe())).singleElement()
        .satisfies(r -> assertThat(List.of(r.direction(), r.failureCount(), r.slMin(), r.slMax())).containsExactly("SELL", 6L, 0.70, 0.82));
    assertThat(regions).extracting(Region::timeframe).contains("60", "60.0", "15", "240", "5", "\"H1\"", null)
        .doesNotContain("1", "1440");
    Region sltp = regions.stream().filter(r -> "240".equals(r.timeframe())).findFirst().orElseThrow();
    assertThat(sltp.slMin()).isEqualTo(0.05);
    assertThat(sltp.tpMin()).isEqualTo(0.8);
    assertThat(sltp.failureCount()).isEqualTo(8);
    assertThat(index.exclusions()).containsEntry(Exclusion.TIMESTAMP_NOT_A_NUMBER, 1L);
    // as time passes the timestamped clusters decay out; untimed ones stay
    for (double months : new double[] {-3, 1, 2.5, 6, 40}) {
      assertSameRegions(NOW_UT + months * MONTH);
    }
  }

  @Test
  void shouldAvoidAndMatchesPatternEqualAFullPass() {
    edgeCases();
    Random rnd = new Random(7);
    String[] symbols = {"USDJPY", "usdjpy", "EURUSD", "XAUUSD", "GBPUSD", null};
    for (int i = 0; i < 20_000; i++) {
      double sl = rnd.nextInt(12) == 0 ? 0 : rnd.nextDouble() * 4 - 0.2;
      double tp = rnd.nextDouble() * 7 - 0.2;
      double now = NOW_UT + (rnd.nextDouble() * 8 - 2) * MONTH;
      assertThat(index.shouldAvoid(sl, tp, now)).as("shouldAvoid(%s, %s)", sl, tp).isEqualTo(oracle.shouldAvoid(sl, tp, now));
      String sym = symbols[rnd.nextInt(symbols.length)];
      double sharpe = rnd.nextDouble() - 0.5;
      boolean got = sharpe >= 0.3 ? false : index.matchesPattern(sym == null ? "USDJPY" : sym, sl, tp);
      assertThat(got).as("matches(%s, %s, %s, %s)", sym, sl, tp, sharpe).isEqualTo(oracle.matchesPattern(sym, sl, tp, sharpe));
    }
    // points near stored values, on both sides of the 5 % edges
    for (double f : new double[] {0.9501, 1.0, 1.0499, 0.95, 1.05, 0.949, 1.051}) {
      assertThat(index.matchesPattern("USDJPY", 0.30 * f, 1.20 * f)).isEqualTo(oracle.matchesPattern("USDJPY", 0.30 * f, 1.20 * f, 0));
      assertThat(index.matchesPattern("XAUUSD", 0.375 * f, 2.0 * f)).isEqualTo(oracle.matchesPattern("XAUUSD", 0.375 * f, 2.0 * f, 0));
    }
    assertThat(index.matchesPattern("XAUUSD", 0.0, 1.0)).isFalse();
    assertThat(index.matchesPattern("XAUUSD", 1.0, -1.0)).isFalse();
    assertThat(oracle.matchesPattern("USDJPY", 0.30, 1.20, 0.3)).isFalse();
    assertThat(index.matchesPattern("USDJPY", 0.30, 1.20)).isTrue();
    assertThat(index.matchesPattern("AUDJPY", 0.4, 0.9)).as("retired records never match").isFalse();
    assertThat(index.matchesPattern("CHFJPY", 0.6, 1.6)).as("symbol chfjpy reads as CHFJPY").isTrue();
    assertThat(index.matchesPattern("chfjpy", 0.6, 1.6)).isFalse();
    assertThat(index.matchesPattern("CADJPY", 0.6, 1.6)).as("keyword :CADJPY designates CADJPY").isTrue();
  }

  @Test
  void scopedShouldAvoidLooksAtOneClusterOnly() {
    edgeCases();
    assertThat(index.shouldAvoid(Keys.query("60", "BUY", "USDJPY"), 0.30, 1.20, NOW_UT)).isTrue();
    assertThat(index.shouldAvoid(Keys.query("60.0", ":BUY", "USDJPY"), 0.30, 1.20, NOW_UT)).isFalse();
    assertThat(index.shouldAvoid(Keys.query("60.0", ":BUY", "USDJPY"), 0.52, 2.02, NOW_UT)).isTrue();
    assertThat(index.shouldAvoid(Keys.query(null, null, null), 2.5, 4.5, NOW_UT)).isTrue();
    assertThat(index.shouldAvoid(Keys.query("\"H1\"", "BUY", "usdjpy"), 3.2, 6.2, NOW_UT)).isTrue();
    assertThat(index.shouldAvoid(Keys.query("\"H1\"", "BUY", "USDJPY"), 3.2, 6.2, NOW_UT)).isFalse();
    assertThat(index.shouldAvoid(Keys.query("1", "BUY", "AUDJPY"), 0.4, 0.9, NOW_UT)).as("19 × 0.25 < 5").isFalse();
    assertThat(index.shouldAvoid(Keys.query("30", "sell", "NZDUSD"), 0.80, 1.80, NOW_UT)).as(":sell and :SELL are one cluster").isTrue();
    assertThat(index.shouldAvoid(Keys.query("30", ":SELL", "NZDUSD"), 0.70, 1.70, NOW_UT)).isTrue();
  }

  @Test
  void snapshotRestoresTheSameAnswers() {
    edgeCases();
    PatternIndex restored = PatternIndex.restore(index.snapshot());
    assertThat(restored.regions(NOW_UT)).isEqualTo(index.regions(NOW_UT));
    assertThat(restored.stored()).isEqualTo(index.stored());
    assertThat(restored.exclusions()).isEqualTo(index.exclusions());
    assertThat(restored.matchesPattern("USDJPY", 0.30, 1.20)).isTrue();
    assertThat(restored.matchPoints()).isEqualTo(index.matchPoints());
  }
}
