package dev.warden.workers.graveyard.legacy;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A number with its exact text as written ({@code 60}, {@code 60.0}, {@code 1.2d0},
 * {@code 3/8}) and its value as a double. Equality compares the text, so {@code 60} and
 * {@code 60.0} are different numbers here, as the legacy daemon's cluster keys require.
 *
 * <p>All floats are read as double precision whatever their exponent marker
 * ({@code e}, {@code s}, {@code f}, {@code d}, {@code l}); the marker stays in the text.
 *
 * @param text the number exactly as written
 * @param kind integer, ratio or decimal (float)
 * @param value the numeric value, rounded to the nearest double
 */
public record SexpNumber(String text, Kind kind, double value) implements SexpValue {

  /** The syntactic kind of a number. */
  public enum Kind {
    /** {@code 60}, {@code -3}, {@code +7}, {@code 60.} (a trailing point still means an integer in Lisp). */
    INTEGER,
    /** {@code 3/8}, {@code -1/3}: an exact fraction. */
    RATIO,
    /** {@code 0.35}, {@code .5}, {@code 1.5e-3}, {@code 2.0d0}, {@code 1.0f0}. */
    DECIMAL
  }

  public SexpNumber {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * Parses one number token, e.g. {@code "2.0d0"}.
   *
   * @throws IllegalArgumentException if the text is not a Lisp number
   */
  public static SexpNumber parse(String text) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    SexpNumber number = NumberSyntax.parse(bytes, 0, bytes.length);
    if (number == null || number == NumberSyntax.INVALID) {
      throw new IllegalArgumentException("not a number: " + text);
    }
    return number;
  }

  /** True for integers and ratios, whose value is exact in {@link #numerator()}/{@link #denominator()}. */
  public boolean isExact() {
    return kind != Kind.DECIMAL;
  }

  /** The exact numerator (the integer itself for an integer). */
  public BigInteger numerator() {
    requireExact();
    int slash = text.indexOf('/');
    return parseInteger(slash < 0 ? text : text.substring(0, slash));
  }

  /** The exact denominator (1 for an integer). */
  public BigInteger denominator() {
    requireExact();
    int slash = text.indexOf('/');
    return slash < 0 ? BigInteger.ONE : parseInteger(text.substring(slash + 1));
  }

  private void requireExact() {
    if (!isExact()) {
      throw new IllegalStateException("decimal " + text + " has no exact numerator/denominator");
    }
  }

  private static BigInteger parseInteger(String digits) {
    String trimmed = digits.endsWith(".") ? digits.substring(0, digits.length() - 1) : digits;
    return new BigInteger(trimmed);
  }

  @Override
  public String toSexp() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
