package dev.warden.workers.graveyard;

import java.util.Comparator;

/**
 * One avoid region as the legacy daemon reports it.
 *
 * @param timeframe {@code :TIMEFRAME} as written ({@code 60}, {@code 60.0}, {@code "H1"}), null for NIL
 * @param direction {@code :DIRECTION} without its colon ({@code BUY}), null for NIL
 * @param symbol the symbol string's contents ({@code USDJPY}), null for NIL
 * @param weight the cluster's weight sum at the time asked
 */
public record Region(
    String timeframe,
    String direction,
    String symbol,
    double slMin,
    double slMax,
    double tpMin,
    double tpMax,
    long failureCount,
    double weight) {

  /** Sorted by timeframe, direction, symbol as text, NIL first. */
  public static final Comparator<Region> ORDER =
      Comparator.comparing(Region::timeframe, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
          .thenComparing(Region::direction, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
          .thenComparing(Region::symbol, Comparator.nullsFirst(Comparator.<String>naturalOrder()));

  static Region of(Cluster c, double now) {
    ClusterKey k = c.key();
    return new Region(k.timeframe(), Keys.directionName(k.direction()), Keys.symbolName(k.symbol()),
        c.slMin(), c.slMax(), c.tpMin(), c.tpMax(), c.failureCount(), c.weightAt(now));
  }

  /**
   * One JSON object on one line; NIL components are JSON null, and so is a number JSON cannot
   * hold (the weight of records timestamped centuries ahead overflows to infinity).
   */
  public String toJson() {
    return "{\"timeframe\":" + str(timeframe) + ",\"direction\":" + str(direction) + ",\"symbol\":" + str(symbol)
        + ",\"slMin\":" + num(slMin) + ",\"slMax\":" + num(slMax) + ",\"tpMin\":" + num(tpMin) + ",\"tpMax\":" + num(tpMax)
        + ",\"failureCount\":" + failureCount + ",\"weight\":" + num(weight) + "}";
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "null";
  }

  private static String str(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
