package dev.warden.workers.graveyard.legacy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Throwaway throughput measurement, run by hand (not by surefire):
 * {@code java -cp persistence/target/classes:persistence/target/test-classes
 * dev.warden.workers.graveyard.legacy.SexpParseBench [full|compact] [MB] [runs]}.
 * Generates a file with 1 % damage under java.io.tmpdir (kept for later runs) and reports MB/s
 * of parsing alone (records built, damage quarantined to a discarding sink).
 */
public final class SexpParseBench {

  private SexpParseBench() {}

  public static void main(String[] args) throws Exception {
    boolean compact = args.length > 0 && args[0].equals("compact");
    long mb = args.length > 1 ? Long.parseLong(args[1]) : 163;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path file = Path.of(System.getProperty("java.io.tmpdir"),
        "sexp-bench-" + (compact ? "compact" : "full") + "-" + mb + "mb.sexp");
    if (!Files.exists(file)) {
      LegacyFileGenerator.Expected e = LegacyFileGenerator.write(file, mb * 1_000_000, 0.01, 1, compact);
      System.out.println("generated " + file + ": " + e);
    }
    long size = Files.size(file);
    for (int run = 1; run <= runs; run++) {
      long t0 = System.nanoTime();
      ReadSummary s;
      try (SexpReader reader = SexpReader.open(file, ReaderSettings.defaults(), QuarantineSink.discard())) {
        while (reader.next() != null) {
          // parse only
        }
        s = reader.summary();
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("run %d: %.1f MB in %.3f s = %.1f MB/s, %.2f M records/s, %d records, %d damaged %s%n",
          run, size / 1e6, secs, size / 1e6 / secs, s.records() / 1e6 / secs, s.records(), s.damaged(),
          s.damageCounts());
    }
  }
}
