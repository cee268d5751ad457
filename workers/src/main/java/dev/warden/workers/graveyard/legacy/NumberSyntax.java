package dev.warden.workers.graveyard.legacy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;

/**
 * Recognises Common Lisp number tokens (integers, ratios, floats with any exponent marker)
 * without regexes or intermediate strings, and computes their double value with a
 * correctly rounded fast path for short decimals.
 */
final class NumberSyntax {

  /** Returned for a token that is number-shaped but invalid, such as {@code 1/0}. */
  static final SexpNumber INVALID = new SexpNumber("1/0", SexpNumber.Kind.RATIO, Double.NaN);

  private static final double[] POW10 = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
  };
  private static final long EXACT_LIMIT = 1L << 53;

  private NumberSyntax() {}

  /** The number in {@code b[from, to)}, {@link #INVALID}, or null when the token is not a number. */
  static SexpNumber parse(byte[] b, int from, int to) {
    int i = from;
    boolean negative = false;
    if (i < to && (b[i] == '+' || b[i] == '-')) {
      negative = b[i] == '-';
      i++;
    }
    int intStart = i;
    while (i < to && isDigit(b[i])) {
      i++;
    }
    int intDigits = i - intStart;
    if (i == to) {
      return intDigits > 0 ? integer(b, from, to, intStart, to) : null;
    }
    if (b[i] == '/') {
      return intDigits > 0 ? ratio(b, from, to, intStart, i) : null;
    }
    int fracStart = i;
    int fracDigits = 0;
    if (b[i] == '.') {
      i++;
      fracStart = i;
      while (i < to && isDigit(b[i])) {
        i++;
      }
      fracDigits = i - fracStart;
      if (i == to) {
        if (fracDigits == 0) {
          return intDigits > 0 ? integer(b, from, to, intStart, to - 1) : null;
        }
        return decimal(b, from, to, negative, intStart, intDigits, fracStart, fracDigits, 0);
      }
    }
    if (intDigits + fracDigits == 0 || !isExponentMarker(b[i])) {
      return null;
    }
    i++;
    boolean negativeExponent = false;
    if (i < to && (b[i] == '+' || b[i] == '-')) {
      negativeExponent = b[i] == '-';
      i++;
    }
    int expStart = i;
    int exponent = 0;
    while (i < to && isDigit(b[i])) {
      exponent = Math.min(exponent * 10 + (b[i] - '0'), 100_000);
      i++;
    }
    if (i != to || i == expStart) {
      return null;
    }
    exponent = negativeExponent ? -exponent : exponent;
    return decimal(b, from, to, negative, intStart, intDigits, fracStart, fracDigits, exponent);
  }

  private static SexpNumber integer(byte[] b, int from, int to, int digitsFrom, int digitsTo) {
    String text = ascii(b, from, to);
    double value;
    if (digitsTo - digitsFrom <= 18) {
      long v = 0;
      for (int i = digitsFrom; i < digitsTo; i++) {
        v = v * 10 + (b[i] - '0');
      }
      value = b[from] == '-' ? -v : v;
    } else {
      value = new BigInteger(ascii(b, from, digitsTo)).doubleValue();
    }
    return new SexpNumber(text, SexpNumber.Kind.INTEGER, value);
  }

  private static SexpNumber ratio(byte[] b, int from, int to, int numFrom, int slash) {
    int denFrom = slash + 1;
    int i = denFrom;
    while (i < to && isDigit(b[i])) {
      i++;
    }
    if (i != to || i == denFrom) {
      return null;
    }
    BigInteger numerator = new BigInteger(ascii(b, from, slash));
    BigInteger denominator = new BigInteger(ascii(b, denFrom, to));
    if (denominator.signum() == 0) {
      return INVALID;
    }
    double value;
    if (numerator.abs().bitLength() <= 53 && denominator.bitLength() <= 53) {
      value = numerator.doubleValue() / denominator.doubleValue();
    } else {
      value = new BigDecimal(numerator).divide(new BigDecimal(denominator), MathContext.DECIMAL128).doubleValue();
    }
    return new SexpNumber(ascii(b, from, to), SexpNumber.Kind.RATIO, value);
  }

  private static SexpNumber decimal(byte[] b, int from, int to, boolean negative, int intStart,
      int intDigits, int fracStart, int fracDigits, int exponent) {
    String text = ascii(b, from, to);
    long mantissa = 0;
    int significant = 0;
    for (int i = intStart; i < intStart + intDigits; i++) {
      significant = accumulate(significant, mantissa, b[i]);
      mantissa = mantissa * 10 + (b[i] - '0');
    }
    for (int i = fracStart; i < fracStart + fracDigits; i++) {
      significant = accumulate(significant, mantissa, b[i]);
      mantissa = mantissa * 10 + (b[i] - '0');
    }
    int scale = exponent - fracDigits;
    double value;
    if (significant <= 15 && mantissa < EXACT_LIMIT && Math.abs(scale) <= 22) {
      value = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
      value = negative ? -value : value;
    } else {
      value = Double.parseDouble(javaSyntax(b, from, to));
    }
    return new SexpNumber(text, SexpNumber.Kind.DECIMAL, value);
  }

  /** Counts significant digits; stops counting (returns a large number) once past 18. */
  private static int accumulate(int significant, long mantissa, byte digit) {
    if (significant == 0 && mantissa == 0 && digit == '0') {
      return 0;
    }
    return significant + 1 > 18 ? 99 : significant + 1;
  }

  private static String javaSyntax(byte[] b, int from, int to) {
    byte[] copy = new byte[to - from];
    for (int i = from; i < to; i++) {
      copy[i - from] = isExponentMarker(b[i]) ? (byte) 'e' : b[i];
    }
    return new String(copy, StandardCharsets.ISO_8859_1);
  }

  private static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isExponentMarker(byte c) {
    switch (c) {
      case 'e': case 'E': case 's': case 'S': case 'f': case 'F': case 'd': case 'D': case 'l': case 'L':
        return true;
      default:
        return false;
    }
  }
}
