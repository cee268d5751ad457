package dev.warden.ops.bench;

import java.io.PrintStream;
import java.util.Arrays;

/** Percentiles and medians of benchmark samples, and the machine-readable figure line. */
final class Figures {
  /** The {@code q}-quantile (0..1) of {@code sorted}, nearest rank. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(Math.max(rank - 1, 0), sorted.length - 1)];
  }

  static double median(double[] values) {
    double[] copy = values.clone();
    Arrays.sort(copy);
    int n = copy.length;
    return n % 2 == 1 ? copy[n / 2] : (copy[n / 2 - 1] + copy[n / 2]) / 2;
  }

  static void print(PrintStream out, String scenario, String figure, double value, String unit) {
    out.printf("%s.%s: %s %s%n", scenario, figure, format(value), unit);
  }

  static String format(double v) {
    if (v >= 100) {
      return String.format("%.0f", v);
    }
    if (v >= 1) {
      return String.format("%.2f", v);
    }
    return String.format("%.4f", v);
  }

  private Figures() {}
}
