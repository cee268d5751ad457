package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.persistence.Persistence;
import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo step on a real node: every damage kind quarantined at its offset, regions and answers printed. */
class GraveyardDemoTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-01-15T00:00:00Z");

  private Warden start(GraveyardKind kind) {
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(kind);
    Warden w = Warden.start(ConfigFactory.parseString(
        "warden.data-dir = \"" + dir.toAbsolutePath().resolve("data") + "\"\n"), kinds);
    GraveyardNodeTest.get(kind.graveyard().whenReady());
    return w;
  }

  @Test
  void demoImportsDamagedFilesAndPrintsQuarantineRegionsAndAnswers() throws Exception {
    GraveyardKind kind = GraveyardKind.create();
    try (Warden w = start(kind)) {
      Graveyard g = kind.graveyard();
      GraveyardDemo.Outcome o = GraveyardDemo.runDetailed(g, dir.resolve("demo"), NOW, Duration.ofMinutes(2));
      List<String> lines = o.lines();
      String all = String.join("\n", lines);

      assertThat(o.graveyard().damage().keySet()).containsExactlyInAnyOrder(DamageReason.CUT_SHORT,
          DamageReason.INTERLEAVED, DamageReason.STRAY_CLOSE_PAREN, DamageReason.BINARY_GARBAGE,
          DamageReason.OVERSIZED, DamageReason.INVALID_UTF8, DamageReason.TOP_LEVEL_ATOM);
      FileReport gy = o.report().files().get(0);
      assertThat(gy.quarantined()).isEqualTo(o.graveyard().damage());
      assertThat(gy.imported()).isEqualTo(o.graveyard().records());
      FileReport rt = o.report().files().get(1);
      assertThat(rt.source()).isEqualTo(Source.RETIRED);
      assertThat(rt.imported()).isEqualTo(o.retired().records());
      assertThat(rt.quarantined()).isEqualTo(o.retired().damage());
      assertThat(g.storedPatterns()).isEqualTo(o.graveyard().records() + o.retired().records());

      o.graveyard().firstDamageOffsets().forEach((reason, offset) ->
          assertThat(lines).anyMatch(l -> l.contains("quarantined " + reason + " x") && l.contains("[" + offset)));
      assertThat(all).contains("graveyard: graveyard graveyard.sexp: IMPORTED, read " + o.graveyard().records());
      assertThat(all).contains("retired retired.sexp: IMPORTED");
      assertThat(all).containsPattern("graveyard: \\d+ avoid regions at 2026-01-15T00:00:00Z; the first 3:");
      assertThat(g.regions(NOW)).hasSizeGreaterThanOrEqualTo(3);
      assertThat(all).containsPattern("shouldAvoid\\(sl [0-9.]+, tp [0-9.]+\\) = true; shouldAvoid\\(sl [0-9.]+, tp [0-9.]+\\) = false");
      assertThat(all).containsPattern("matchesPattern\\(\\w+, sl [0-9.]+, tp [0-9.]+, sharpe -0.2\\) = true; with sharpe 0.3 = false");

      GraveyardDemo.Outcome again = GraveyardDemo.runDetailed(g, dir.resolve("demo"), NOW, Duration.ofMinutes(2));
      assertThat(again.report().imported()).isZero();
      assertThat(again.report().files()).allMatch(f -> f.status() == FileReport.Status.UP_TO_DATE);
      assertThat(again.lines().subList(0, 2)).isEqualTo(lines.subList(0, 2));
      assertThat(g.storedPatterns()).isEqualTo(o.graveyard().records() + o.retired().records());
    }
  }

  @Test
  void answersAfterARestartEqualTheLiveAnswers() throws Exception {
    List<Region> live;
    List<Boolean> liveAnswers;
    GraveyardKind kind = GraveyardKind.create();
    try (Warden w = start(kind)) {
      Graveyard g = kind.graveyard();
      GraveyardDemo.runDetailed(g, dir.resolve("demo"), NOW, Duration.ofMinutes(2));
      for (int i = 0; i < 40; i++) {
        LegacyRecord r = LegacyRecord.parse("(:NAME \"HOST-" + i + "\" :TIMEFRAME 60 :DIRECTION :SELL :SYMBOL \"NZDUSD\""
            + " :SL 0." + (30 + i) + " :TP 1." + i + "d0 :TIMESTAMP " + (NOW.getEpochSecond() + GraveyardDemo.UNIVERSAL_EPOCH - i * 86_400L) + ")");
        GraveyardNodeTest.get(i % 4 == 0 ? g.retire(r) : g.record(r));
      }
      live = g.regions(NOW);
      liveAnswers = answers(g);
    }
    GraveyardKind again = GraveyardKind.create();
    try (Warden w = start(again)) {
      assertThat(again.graveyard().regions(NOW)).isEqualTo(live);
      assertThat(answers(again.graveyard())).isEqualTo(liveAnswers);
    }
    assertThat(live).anyMatch(r -> "NZDUSD".equals(r.symbol()));
  }

  private static List<Boolean> answers(Graveyard g) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      double sl = 0.05 + i * 0.011;
      double tp = 0.1 + i * 0.017;
      out.add(g.shouldAvoid(sl, tp, NOW));
      out.add(g.matchesPattern(i % 2 == 0 ? "NZDUSD" : "USDJPY", sl, tp, -1));
    }
    return out;
  }
}
