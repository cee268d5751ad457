package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.FieldState;
import dev.warden.workers.graveyard.legacy.LegacyField;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import dev.warden.workers.graveyard.legacy.SexpString;
import dev.warden.workers.graveyard.legacy.SexpSymbol;
import dev.warden.workers.graveyard.legacy.SexpValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy daemon's answers computed the straightforward way: a full pass over every record
 * per question, as {@code analyze-graveyard-for-avoidance} does. Independent of the index.
 */
final class LegacyOracle {
  record Entry(Source source, LegacyRecord record) {}

  static final class Agg {
    final List<String> key;
    long count;
    double weight;
    Double slMin, slMax, tpMin, tpMax;

    Agg(List<String> key) {
      this.key = key;
    }

    boolean region() {
      return weight >= 5.0 && slMin != null && tpMin != null;
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  void add(Source s, LegacyRecord r) {
    entries.add(new Entry(s, r));
  }

  /** A key component as the Lisp reader makes it: symbols upcased (ASCII is all the tests write). */
  private static String component(LegacyRecord r, LegacyField f) {
    SexpValue v = r.value(f);
    if (v == null || v.isNil()) {
      return "NIL";
    }
    return v instanceof SexpSymbol ? v.toSexp().toUpperCase(java.util.Locale.ROOT) : v.toSexp();
  }

  Map<List<String>, Agg> clusters(double nowUniversal) {
    Map<List<String>, Agg> out = new LinkedHashMap<>();
    for (Entry e : entries) {
      LegacyRecord r = e.record();
      FieldState ts = r.state(LegacyField.TIMESTAMP);
      if (ts == FieldState.NIL || ts == FieldState.OTHER) {
        continue;
      }
      double age = ts == FieldState.MISSING ? 0 : (nowUniversal - r.number(LegacyField.TIMESTAMP).value()) / 2_592_000d;
      double m = e.source() == Source.RETIRED ? 0.25 : 1.0;
      List<String> key = List.of(component(r, LegacyField.TIMEFRAME), component(r, LegacyField.DIRECTION),
          component(r, LegacyField.SYMBOL));
      Agg a = out.computeIfAbsent(key, Agg::new);
      a.count++;
      a.weight += Math.pow(0.9, age) * m;
      if (r.state(LegacyField.SL) == FieldState.NUMBER) {
        double sl = r.number(LegacyField.SL).value();
        a.slMin = a.slMin == null ? sl : Math.min(a.slMin, sl);
        a.slMax = a.slMax == null ? sl : Math.max(a.slMax, sl);
      }
      if (r.state(LegacyField.TP) == FieldState.NUMBER) {
        double tp = r.number(LegacyField.TP).value();
        a.tpMin = a.tpMin == null ? tp : Math.min(a.tpMin, tp);
        a.tpMax = a.tpMax == null ? tp : Math.max(a.tpMax, tp);
      }
    }
    return out;
  }

  List<Agg> regions(double now) {
    return clusters(now).values().stream().filter(Agg::region).toList();
  }

  boolean shouldAvoid(double sl, double tp, double now) {
    for (Agg a : regions(now)) {
      if (sl >= a.slMin && sl <= a.slMax && tp >= a.tpMin && tp <= a.tpMax) {
        return true;
      }
    }
    return false;
  }

  boolean matchesPattern(String symbol, double sl, double tp, double sharpe) {
    if (sharpe >= 0.3) {
      return false;
    }
    String want = symbol == null ? "USDJPY" : symbol;
    for (Entry e : entries) {
      if (e.source() == Source.RETIRED) {
        continue;
      }
      LegacyRecord r = e.record();
      SexpValue s = r.value(LegacyField.SYMBOL);
      // string= takes string designators: a string's contents, a symbol's (upcased) name
      String designated = s instanceof SexpString str ? str.value()
          : s instanceof SexpSymbol sym && !sym.isNil() ? sym.name().toUpperCase(java.util.Locale.ROOT) : null;
      if (designated == null || !designated.equals(want)) {
        continue;
      }
      if (r.state(LegacyField.SL) != FieldState.NUMBER || r.state(LegacyField.TP) != FieldState.NUMBER) {
        continue;
      }
      double SL = r.number(LegacyField.SL).value();
      double TP = r.number(LegacyField.TP).value();
      if (Math.abs(sl - SL) < 0.05 * SL && Math.abs(tp - TP) < 0.05 * TP) {
        return true;
      }
    }
    return false;
  }
}
