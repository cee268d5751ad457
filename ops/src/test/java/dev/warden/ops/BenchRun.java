package dev.warden.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code warden bench} in this JVM (its children are JVMs of their own) and reads its figure lines. */
final class BenchRun {
  private BenchRun() {}

  record Run(int code, String out) {}

  /**
   * A hang guard per bench child JVM (each boots a node on a fresh H2 file), not a speed check. The ledger
   * scenario runs four (throughput, burst, floor, waited submits): 42-64 s in all on this 2-core machine under
   * other builds, against a former guard of 60 s.
   */
  static final int CHILD_JVM_GUARD_S = 45;

  static synchronized Run bench(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      String[] all = new String[args.length + 1];
      all[0] = "bench";
      System.arraycopy(args, 0, all, 1, args.length);
      int code = WardenCli.execute(all);
      return new Run(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(old);
    }
  }

  /** The value of figure line {@code name}, which must name the node's durability mode, the default WRITE_DELAY=0. */
  static double figure(String out, String name) {
    return figure(out, name, "WRITE_DELAY=0");
  }

  /** The value of figure line {@code name}, which must name the durability mode {@code mode}. */
  static double figure(String out, String name, String mode) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (-?[0-9.]+) \\S+ \\[" + Pattern.quote(mode) + "[^\\]]*\\]$").matcher(out);
    assertThat(m.find()).as("figure line %s with [%s] in:%n%s", name, mode, out).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** The value of figure line {@code name} of a scenario without a database (no durability mode). */
  static double plainFigure(String out, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (-?[0-9.]+) .+$").matcher(out);
    assertThat(m.find()).as("figure line %s in:%n%s", name, out).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
