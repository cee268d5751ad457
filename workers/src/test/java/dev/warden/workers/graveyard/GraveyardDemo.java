package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The graveyard step of {@code warden demo}: writes a small damaged legacy
 * {@code graveyard.sexp} (2,400 pretty-printed records, every kind of damage) and a
 * {@code retired.sexp} in the older one-list layout (300 records, two damages), imports both
 * through the running kind, and describes what happened in printable lines. Seeded: the same
 * {@code now} gives the same files and the same lines (but for the timing line). Running it
 * again on the same node with the same {@code now} finds both files up to date and imports
 * nothing; with another {@code now} the files' timestamps differ, so the node reports them as
 * REPLACED and keeps what it had: give each node's demo its own {@code workDir}.
 *
 * <pre>{@code
 * GraveyardKind kind = GraveyardKind.create();
 * try (Warden w = Warden.start(config, kind, ...)) {
 *   GraveyardDemo.run(kind.graveyard(), workDir, Instant.now()).forEach(System.out::println);
 * }
 * }</pre>
 */
public final class GraveyardDemo {
  /** Seconds from 1900-01-01T00:00Z (universal time) to the Unix epoch. */
  static final long UNIVERSAL_EPOCH = 2_208_988_800L;

  private static final List<DamageReason> EVERY_KIND = List.of(DamageReason.CUT_SHORT, DamageReason.INTERLEAVED,
      DamageReason.STRAY_CLOSE_PAREN, DamageReason.BINARY_GARBAGE, DamageReason.OVERSIZED,
      DamageReason.INVALID_UTF8, DamageReason.TOP_LEVEL_ATOM);
  private static final int REGIONS_SHOWN = 3;

  /** The generated files, and the lines describing their import. */
  public record Outcome(LegacyFileWriter.Written graveyard, LegacyFileWriter.Written retired, ImportReport report,
      List<String> lines) {}

  private GraveyardDemo() {}

  /** Runs the demo step; the lines are for stdout. */
  public static List<String> run(Graveyard g, Path workDir, Instant now) throws IOException {
    return runDetailed(g, workDir, now, Duration.ofMinutes(2)).lines();
  }

  /** Runs the demo step, waiting at most {@code timeout} for the import. */
  public static Outcome runDetailed(Graveyard g, Path workDir, Instant now, Duration timeout) throws IOException {
    Files.createDirectories(workDir);
    long universalNow = now.getEpochSecond() + UNIVERSAL_EPOCH;
    LegacyFileWriter.Written gy = LegacyFileWriter.write(workDir.resolve("graveyard.sexp"),
        LegacyFileWriter.Spec.of(42, 2_400, universalNow).damaged(0.03, EVERY_KIND));
    LegacyFileWriter.Written rt = LegacyFileWriter.write(workDir.resolve("retired.sexp"),
        LegacyFileWriter.Spec.of(43, 300, universalNow).asRetired().inOneList()
            .damaged(0.01, List.of(DamageReason.CUT_SHORT, DamageReason.TOP_LEVEL_ATOM)));
    ImportReport report = await(g.importFiles(new ImportRequest(gy.file(), rt.file(), null)), timeout);

    List<String> lines = new ArrayList<>();
    lines.add(String.format("graveyard: wrote %s (%d records, %d damaged ranges: %s)", gy.file().getFileName(),
        gy.records(), gy.damaged(), counts(gy.damage())));
    lines.add(String.format("graveyard: wrote %s (old one-list layout, %d records, %d damaged ranges: %s)",
        rt.file().getFileName(), rt.records(), rt.damaged(), counts(rt.damage())));
    for (FileReport f : report.files()) {
      lines.add(String.format("graveyard: %s %s: %s, read %d, imported %d, already present %d, quarantined %d",
          f.source().name().toLowerCase(), f.path().getFileName(), f.status(), f.recordsRead(), f.imported(),
          f.alreadyPresent(), f.quarantinedTotal()));
      for (Map.Entry<DamageReason, List<Long>> e : quarantineOffsets(f.quarantineFile()).entrySet()) {
        lines.add(String.format("graveyard:   quarantined %s x%d, first at byte offsets %s", e.getKey(),
            f.quarantined().getOrDefault(e.getKey(), 0L), e.getValue()));
      }
    }
    lines.add(String.format("graveyard: excluded from regions: %s", g.exclusions().isEmpty() ? "none" : counts(g.exclusions())));
    lines.add(String.format("graveyard: import %d read, %d imported, %d quarantined in %d ms; %d patterns stored",
        report.recordsRead(), report.imported(), report.quarantined(), report.duration().toMillis(), g.storedPatterns()));
    List<Region> regions = g.regions(now);
    lines.add(String.format("graveyard: %d avoid regions at %s; the first %d:", regions.size(), now,
        Math.min(REGIONS_SHOWN, regions.size())));
    for (Region r : regions.subList(0, Math.min(REGIONS_SHOWN, regions.size()))) {
      lines.add(String.format("graveyard:   %-6s %-5s %-7s sl [%s, %s] tp [%s, %s] failures %d weight %.2f",
          r.timeframe(), r.direction(), r.symbol(), r.slMin(), r.slMax(), r.tpMin(), r.tpMax(), r.failureCount(),
          r.weight()));
    }
    if (!regions.isEmpty()) {
      Region r = regions.get(0);
      double sl = (r.slMin() + r.slMax()) / 2;
      double tp = (r.tpMin() + r.tpMax()) / 2;
      lines.add(String.format("graveyard: shouldAvoid(sl %.3f, tp %.3f) = %s; shouldAvoid(sl %.3f, tp %.3f) = %s", sl, tp,
          g.shouldAvoid(sl, tp, now), r.slMax() + 1, tp, g.shouldAvoid(r.slMax() + 1, tp, now)));
    }
    LegacyRecord first = LegacyRecord.parse(gy.firstRecord());
    String symbol = first.text(LegacyField.SYMBOL);
    double sl = first.number(LegacyField.SL).value() * 1.01;
    double tp = first.number(LegacyField.TP).value() * 1.01;
    lines.add(String.format("graveyard: matchesPattern(%s, sl %.4f, tp %.4f, sharpe -0.2) = %s; with sharpe 0.3 = %s",
        symbol, sl, tp, g.matchesPattern(symbol, sl, tp, -0.2), g.matchesPattern(symbol, sl, tp, 0.3)));
    return new Outcome(gy, rt, report, List.copyOf(lines));
  }

  /** The first few offsets per reason in a quarantine side file (offset TAB length TAB REASON ...). */
  static Map<DamageReason, List<Long>> quarantineOffsets(Path side) throws IOException {
    Map<DamageReason, List<Long>> out = new EnumMap<>(DamageReason.class);
    if (side == null || !Files.isRegularFile(side)) {
      return out;
    }
    try (BufferedReader in = Files.newBufferedReader(side, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] cols = line.split("\t", 4);
        if (line.startsWith("#") || cols.length < 3) {
          continue;
        }
        List<Long> offsets = out.computeIfAbsent(DamageReason.valueOf(cols[2]), r -> new ArrayList<>());
        long offset = Long.parseLong(cols[0]);
        if (offsets.size() < 2 && !offsets.contains(offset)) {
          offsets.add(offset);
        }
      }
    }
    return out;
  }

  private static String counts(Map<?, Long> m) {
    return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("graveyard demo interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("graveyard demo import failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("graveyard demo import did not finish within " + timeout, e);
    }
  }
}
