package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import dev.warden.workers.graveyard.legacy.SexpNumber;
import dev.warden.workers.graveyard.legacy.SexpString;
import dev.warden.workers.graveyard.legacy.SexpSymbol;
import dev.warden.workers.graveyard.legacy.SexpValue;

/** How record values become cluster-key components and back into the names users see. */
final class Keys {
  private Keys() {}

  /**
   * The value under {@code field} printed as written, or null for a missing key or NIL. A symbol
   * is the one the Lisp reader makes of it: unescaped symbol names are upcased, so {@code :buy}
   * and {@code :BUY} are the same direction, as they are in the legacy daemon's clusters.
   */
  static String written(LegacyRecord r, LegacyField field) {
    SexpValue v = r.value(field);
    if (v == null || v.isNil()) {
      return null;
    }
    return v instanceof SexpSymbol ? upcase(v.toSexp()) : v.toSexp();
  }

  /** The Lisp reader's case folding of an unescaped symbol name, character by character. */
  static String upcase(String symbol) {
    StringBuilder b = null;
    for (int i = 0; i < symbol.length(); i++) {
      char c = symbol.charAt(i);
      char u = Character.toUpperCase(c);
      if (u != c && b == null) {
        b = new StringBuilder(symbol.length()).append(symbol, 0, i);
      }
      if (b != null) {
        b.append(u);
      }
    }
    return b == null ? symbol : b.toString();
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
        : upcase(direction.startsWith(":") ? direction : ":" + direction);
    String sym = symbol == null ? null : new SexpString(symbol).toSexp();
    String tf = timeframe == null || timeframe.equalsIgnoreCase("NIL") ? null : queryAtom(timeframe);
    return new ClusterKey(tf, dir, sym);
  }

  /** A timeframe typed by a user: a string or a number as written, any other token a symbol (upcased). */
  private static String queryAtom(String text) {
    if (text.startsWith("\"")) {
      return text;
    }
    try {
      SexpNumber.parse(text);
      return text;
    } catch (IllegalArgumentException notANumber) {
      return upcase(text);
    }
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

  /**
   * The symbol string {@code matchesPattern} compares, or null when there is none. The legacy
   * daemon compares with {@code string=}, which takes any string designator: a string is its
   * contents, a symbol ({@code USDJPY}, {@code :USDJPY}) its upcased name; NIL and numbers never
   * match.
   */
  static String matchSymbol(LegacyRecord r) {
    SexpValue v = r.value(LegacyField.SYMBOL);
    if (v instanceof SexpString s) {
      return s.value();
    }
    if (v instanceof SexpSymbol s && !s.isNil()) {
      return upcase(s.name());
    }
    return null;
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
