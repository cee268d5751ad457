package dev.warden.ops.bench;

import dev.warden.workers.graveyard.LegacyFileWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graveyard benchmark: a generated 163 MB legacy file of compact records (about 2.6
 * million, 1 % damaged) imported in a child JVM with {@code -Xmx256m}, which reports the whole
 * import, parsing alone, the import's peak heap and query latencies; then cold starts of a node
 * on that journal, each in a fresh JVM; then the legacy daemon's refresh (re-read everything,
 * recompute every cluster) as the baseline. Everything lives in a temp dir, deleted afterwards.
 */
final class GraveyardBench {
  private static final long FILE_BYTES = 163_000_000L;
  private static final String HEAP = "-Xmx256m";

  private final int runs;
  private final Path workDir;

  /** {@code workDir}: where the generated file and databases go ({@code --data}); null for the system's temporary directory. */
  GraveyardBench(int runs, Path workDir) {
    this.runs = runs;
    this.workDir = workDir;
  }

  void run(PrintStream out) throws Exception {
    Path dir = ChildJvm.Options.freshDir(workDir, "warden-bench-graveyard");
    try {
      Path file = dir.resolve("graveyard.sexp");
      long t0 = System.nanoTime();
      LegacyFileWriter.Written w = LegacyFileWriter.write(file,
          LegacyFileWriter.Spec.of(163, Long.MAX_VALUE, 0).compact(FILE_BYTES)
              .damaged(0.01, LegacyFileWriter.COMMON_DAMAGE));
      out.printf("graveyard: generated %.1f MB, %d records, %d damaged ranges in %.1f s (%s)%n", w.bytes() / 1e6,
          w.records(), w.damaged(), (System.nanoTime() - t0) / 1e9, w.damage());
      Map<String, String> figures = new LinkedHashMap<>();
      figures.putAll(child(out, dir, "parse", file.toString(), Integer.toString(Math.max(3, runs) + 2)));
      // Each import in a fresh JVM on a fresh database; the last one's journal is kept for the cold starts.
      double[] imports = new double[runs];
      Path data = null;
      for (int r = 0; r < runs; r++) {
        if (data != null) {
          deleteQuietly(data);
        }
        data = dir.resolve("data-" + r);
        Map<String, String> run = child(out, dir, "import", file.toString(), data.toString());
        imports[r] = value(run, "graveyard.import");
        figures.putAll(run);
      }
      Figures.print(out, "graveyard", "import_median", Figures.median(imports), "s");
      out.println("graveyard-runs.import: " + java.util.Arrays.toString(imports));
      figures.put("graveyard.import", String.format(java.util.Locale.ROOT, "%.2f", Figures.median(imports)));
      Figures.print(out, "graveyard", "data_dir", sizeOf(data) / 1e6, "MB");
      double[] cold = new double[runs];
      double[] coldMain = new double[runs];
      for (int r = 0; r < runs; r++) {
        Map<String, String> c = child(out, dir, "cold", data.toString());
        cold[r] = value(c, "graveyard.cold_start_jvm");
        coldMain[r] = value(c, "graveyard.cold_start_main");
        figures.put("graveyard.cold_stored", c.get("graveyard.cold_stored"));
      }
      Figures.print(out, "graveyard", "cold_start", Figures.median(cold), "s");
      Figures.print(out, "graveyard", "cold_start_in_main", Figures.median(coldMain), "s");
      Map<String, String> legacy = child(out, dir, "legacy", file.toString(), Integer.toString(Math.max(1, runs / 2)));
      double refresh = value(legacy, "graveyard.legacy_refresh");
      double regionsCall = value(figures, "graveyard.regions_call") / 1e6;
      double avoid = value(figures, "graveyard.should_avoid_p50") / 1e6;
      Figures.print(out, "graveyard", "legacy_refresh_vs_regions_call", refresh / regionsCall, "x");
      Figures.print(out, "graveyard", "legacy_refresh_vs_should_avoid", refresh / avoid, "x");
      Figures.print(out, "graveyard", "legacy_refresh_vs_cold_start", refresh / Figures.median(cold), "x");
      out.printf("%ngraveyard: %.0f MB file, %d records (compact, no timestamps), %d damaged ranges; child JVMs with %s."
              + "%n  import (parse + journal, H2 file): median %s s of %s (target < 15);"
              + " parse alone: %s MB/s steady state, %s MB/s first pass with JIT warm-up (target >= 150);"
              + " peak heap during import: %s MB polled / %s MB sum of pool peaks"
              + "%n  shouldAvoid p50 %s us, matchesPattern p50 %s us (target < 1) with %s patterns stored, %s regions"
              + "%n  cold start, fresh JVM until the first query answers: median %.2f s (target < 3), runs %s"
              + "%n  legacy refresh (re-read the file, recompute every cluster): %.2f s, every 5 minutes;"
              + " a regions() call here: %s us; ratio %.0fx"
              + "%n  2 shared cores: other builds ran beside this one, figures are noisy.%n",
          w.bytes() / 1e6, w.records(), w.damaged(), HEAP, figures.get("graveyard.import"), java.util.Arrays.toString(imports),
          figures.get("graveyard.parse"), figures.get("graveyard.parse_first_pass"),
          figures.get("graveyard.import_peak_heap_polled"), figures.get("graveyard.import_peak_heap_pools"),
          figures.get("graveyard.should_avoid_p50"), figures.get("graveyard.matches_pattern_p50"),
          figures.get("graveyard.stored"), figures.get("graveyard.regions"), Figures.median(cold),
          java.util.Arrays.toString(cold), refresh, figures.get("graveyard.regions_call"), refresh / regionsCall);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** Runs one phase in a fresh JVM; echoes its figure lines and returns them by name (value only). */
  private static Map<String, String> child(PrintStream out, Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(HEAP);
    cmd.addAll(ChildJvm.sharedArchive()); // start the way a node started by ops/warden does
    String logback = System.getProperty("logback.configurationFile");
    if (logback != null) {
      cmd.add("-Dlogback.configurationFile=" + logback);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(GraveyardBenchChild.class.getName());
    cmd.addAll(List.of(args));
    Path log = dir.resolve("child-" + args[0] + ".log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    Map<String, String> figures = new LinkedHashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("graveyard")) {
          out.println(line);
          int colon = line.indexOf(": ");
          if (colon > 0) {
            figures.put(line.substring(0, colon), line.substring(colon + 2).split(" ")[0]);
          }
        }
      }
    }
    int rc = p.waitFor();
    if (rc != 0) {
      List<String> tail = Files.readAllLines(log);
      throw new IllegalStateException("bench child [" + String.join(" ", args) + "] exited " + rc + "; its log ends:\n"
          + String.join("\n", tail.subList(Math.max(0, tail.size() - 30), tail.size())));
    }
    return figures;
  }

  private static double value(Map<String, String> figures, String name) {
    String v = figures.get(name);
    if (v == null) {
      throw new IllegalStateException("bench child did not report " + name);
    }
    return Double.parseDouble(v);
  }

  private static long sizeOf(Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // temp files only
    }
  }
}
