package dev.warden.workers.graveyard;

/**
 * One cluster's aggregate, immutable: every added record makes a new instance, so readers on
 * other threads always see a consistent one.
 *
 * <p>The weight at universal time {@code now} is
 * {@code untimed + anchoredSum × exp(K·(now − anchor))}: {@code untimed} is Σm over records
 * without {@code :TIMESTAMP} (age 0 forever), {@code anchoredSum} is Σ m·exp(K·(anchor − t))
 * over timestamped records with the anchor at the newest timestamp, so every term is ≤ m
 * (no overflow however old or new the records; old ones may underflow to 0, where their
 * weight is negligible anyway).
 *
 * @param until the last universal time at which the weight is still ≥ 5.0 (weights only fall
 *     as time passes): +∞ if it never falls below, −∞ if it never reaches it
 * @param slMin NaN when no record has a numeric SL (likewise the other bounds)
 */
record Cluster(
    long id,
    ClusterKey key,
    long failureCount,
    double untimed,
    double anchor,
    double anchoredSum,
    double slMin,
    double slMax,
    double tpMin,
    double tpMax,
    double until) {

  static Cluster empty(long id, ClusterKey key) {
    return new Cluster(id, key, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NEGATIVE_INFINITY);
  }

  /** Restores a cluster from its parts, computing {@code until}. */
  static Cluster of(long id, ClusterKey key, long count, double untimed, double anchor, double sum,
      double slMin, double slMax, double tpMin, double tpMax) {
    return new Cluster(id, key, count, untimed, anchor, sum, slMin, slMax, tpMin, tpMax,
        until(untimed, anchor, sum));
  }

  /**
   * This cluster plus one record.
   *
   * @param timestamp universal time, or NaN for a record without {@code :TIMESTAMP}
   * @param sl the numeric SL or NaN; {@code tp} likewise
   */
  Cluster plus(double m, double timestamp, double sl, double tp) {
    double u = untimed;
    double a = anchor;
    double s = anchoredSum;
    if (Double.isNaN(timestamp)) {
      u += m;
    } else if (s == 0) {
      a = timestamp;
      s = m;
    } else if (timestamp <= a) {
      s += m * Math.exp(Decay.K * (a - timestamp));
    } else {
      s = s * Math.exp(Decay.K * (timestamp - a)) + m;
      a = timestamp;
    }
    return of(id, key, failureCount + 1, u, a, s,
        min(slMin, sl), max(slMax, sl), min(tpMin, tp), max(tpMax, tp));
  }

  /** The weight sum at universal time {@code now}. */
  double weightAt(double now) {
    return anchoredSum == 0 ? untimed : untimed + anchoredSum * Math.exp(Decay.K * (now - anchor));
  }

  /** True when SL and TP both have a range. */
  boolean bounded() {
    return !Double.isNaN(slMin) && !Double.isNaN(tpMin);
  }

  /** True when the cluster is an avoid region at {@code now}. */
  boolean regionAt(double now) {
    return bounded() && weightAt(now) >= Decay.REGION_WEIGHT;
  }

  /** Whether (sl, tp) lies inside the bounds, inclusive. */
  boolean contains(double sl, double tp) {
    return sl >= slMin && sl <= slMax && tp >= tpMin && tp <= tpMax;
  }

  private static double until(double untimed, double anchor, double sum) {
    if (untimed >= Decay.REGION_WEIGHT) {
      return Double.POSITIVE_INFINITY;
    }
    if (sum <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    // untimed + sum·exp(K(T − anchor)) = 5  ⇔  T = anchor + ln((5 − untimed) / sum) / K
    return anchor + Math.log((Decay.REGION_WEIGHT - untimed) / sum) / Decay.K;
  }

  private static double min(double current, double v) {
    return Double.isNaN(v) ? current : Double.isNaN(current) ? v : Math.min(current, v);
  }

  private static double max(double current, double v) {
    return Double.isNaN(v) ? current : Double.isNaN(current) ? v : Math.max(current, v);
  }
}
