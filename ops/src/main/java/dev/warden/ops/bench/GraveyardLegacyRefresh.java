package dev.warden.ops.bench;

import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import dev.warden.workers.graveyard.legacy.QuarantineSink;
import dev.warden.workers.graveyard.legacy.ReadRecord;
import dev.warden.workers.graveyard.legacy.ReaderSettings;
import dev.warden.workers.graveyard.legacy.SexpNumber;
import dev.warden.workers.graveyard.legacy.SexpReader;
import dev.warden.workers.graveyard.legacy.SexpValue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy daemon's refresh, the baseline of {@code warden bench graveyard}: read every record
 * of the file again and recompute every cluster from scratch ({@code analyze-graveyard-for-avoidance}
 * ran this every 5 minutes). Generous to the legacy way: it streams through the new reader
 * instead of materialising the whole file as the daemon did, so it neither exhausts the heap
 * nor stops at damage.
 */
final class GraveyardLegacyRefresh {
  private static final double MONTH = 2_592_000;

  private GraveyardLegacyRefresh() {}

  /** Avoid regions as {timeframe, direction, symbol} keys with their aggregates, at universal time {@code now}. */
  static List<double[]> regions(Path file, long now) throws IOException {
    Map<String, double[]> clusters = new HashMap<>();
    try (SexpReader reader = SexpReader.open(file, ReaderSettings.defaults(), QuarantineSink.discard())) {
      for (ReadRecord rr = reader.next(); rr != null; rr = reader.next()) {
        LegacyRecord r = rr.record();
        SexpValue ts = r.value(LegacyField.TIMESTAMP);
        double age = 0;
        if (ts != null) {
          if (!(ts instanceof SexpNumber)) {
            continue;
          }
          age = (now - ((SexpNumber) ts).value()) / MONTH;
        }
        String key = text(r, LegacyField.TIMEFRAME) + "|" + text(r, LegacyField.DIRECTION) + "|" + text(r, LegacyField.SYMBOL);
        double[] c = clusters.computeIfAbsent(key, k -> new double[] {0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN});
        c[0] += 1;
        c[1] += Math.pow(0.9, age);
        SexpNumber sl = r.number(LegacyField.SL);
        SexpNumber tp = r.number(LegacyField.TP);
        if (sl != null) {
          c[2] = Double.isNaN(c[2]) ? sl.value() : Math.min(c[2], sl.value());
          c[3] = Double.isNaN(c[3]) ? sl.value() : Math.max(c[3], sl.value());
        }
        if (tp != null) {
          c[4] = Double.isNaN(c[4]) ? tp.value() : Math.min(c[4], tp.value());
          c[5] = Double.isNaN(c[5]) ? tp.value() : Math.max(c[5], tp.value());
        }
      }
    }
    List<double[]> out = new ArrayList<>();
    for (double[] c : clusters.values()) {
      if (c[1] >= 5.0 && !Double.isNaN(c[2]) && !Double.isNaN(c[4])) {
        out.add(c);
      }
    }
    return out;
  }

  private static String text(LegacyRecord r, LegacyField f) {
    SexpValue v = r.value(f);
    return v == null ? "NIL" : v.toSexp();
  }
}
