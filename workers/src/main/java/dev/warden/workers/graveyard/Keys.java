package dev.warden.workers.graveyard;

import dev.warden.persistence.sexp.LegacyField;
import dev.warden.persistence.sexp.LegacyRecord;
import dev.warden.persistence.sexp.SexpString;
import dev.warden.persistence.sexp.SexpValue;

/** How record values become cluster-key components and back into the names users see. */
final class Keys {
  private Keys() {}

  /** The value under {@code field} printed as written, or null for a missing key or NIL. */
  static String written(LegacyRecord r, LegacyField field) {
    SexpValue v = r.value(field);
    return v == null || v.isNil() ? null : v.toSexp();
  }

  static ClusterKey of(LegacyRecord r) {
    return new ClusterKey(written(r, LegacyField.TIMEFRAME), written(r, LegacyField.DIRECTION),
        written(r, LegacyField.SYMBOL));
  }

  /**
   * The key for a query: {@code timeframe} as written (null for NIL), {@code direction} with or
   * without its colon, {@code symbol} as the string's contents (null for NIL).
   */
  static ClusterKey query(String timeframe, String direction, String symbol) {
    String dir = direction == null || direction.equalsIgnoreCase("NIL") ? null
        : direction.startsWith(":") ? direction : ":" + direction;
    String sym = symbol == null ? null : new SexpString(symbol).toSexp();
    String tf = timeframe == null || timeframe.equalsIgnoreCase("NIL") ? null : timeframe;
    return new ClusterKey(tf, dir, sym);
  }

  static String directionName(String written) {
    return written != null && written.startsWith(":") ? written.substring(1) : written;
  }

  /** A string symbol's contents; any other written form as is. */
  static String symbolName(String written) {
    if (written != null && written.length() >= 2 && written.startsWith("\"") && written.endsWith("\"")) {
      return SexpStringText.unescape(written);
    }
    return written;
  }

  /** The symbol string {@code matchesPattern} compares, or null when the value is not a string. */
  static String matchSymbol(LegacyRecord r) {
    SexpValue v = r.value(LegacyField.SYMBOL);
    return v instanceof SexpString ? ((SexpString) v).value() : null;
  }

  /** Undoes {@link SexpString#toSexp()}. */
  private static final class SexpStringText {
    static String unescape(String quoted) {
      StringBuilder b = new StringBuilder(quoted.length());
      for (int i = 1; i < quoted.length() - 1; i++) {
        char c = quoted.charAt(i);
        if (c == '\\' && i + 1 < quoted.length() - 1) {
          c = quoted.charAt(++i);
        }
        b.append(c);
      }
      return b.toString();
    }
  }
}
