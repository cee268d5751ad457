package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.DamageReason;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a legacy-style graveyard file with known, seeded damage, for the demo and the
 * benchmark. Every injected damage is one range the reader must quarantine; no damage follows
 * another, so every intact record written must be read back.
 *
 * <p>Records are either pretty-printed over two or three lines, the way the legacy writer's
 * printer defaults leave them, or compact one-liners of about 64 bytes (2.6 million in 163 MB,
 * like the incident's file). The file is either one record per line start, or the older
 * layout: one top-level list whose records each start on a new line indented one space.
 */
public final class LegacyFileWriter {

  /** What a file should hold. */
  public record Spec(
      long seed,
      long records,
      long targetBytes,
      double damageRate,
      List<DamageReason> damageKinds,
      boolean compact,
      boolean singleList,
      boolean retired,
      long newestUniversalTime) {

    /** {@code records} pretty-printed records, no damage, timestamps up to 120 days before {@code newest}. */
    public static Spec of(long seed, long records, long newestUniversalTime) {
      return new Spec(seed, records, Long.MAX_VALUE, 0, List.of(), false, false, false, newestUniversalTime);
    }

    public Spec damaged(double rate, List<DamageReason> kinds) {
      return new Spec(seed, records, targetBytes, rate, List.copyOf(kinds), compact, singleList, retired, newestUniversalTime);
    }

    /** Compact records up to about {@code bytes} (and at most {@code records}). */
    public Spec compact(long bytes) {
      return new Spec(seed, records, bytes, damageRate, damageKinds, true, singleList, retired, newestUniversalTime);
    }

    public Spec inOneList() {
      return new Spec(seed, records, targetBytes, damageRate, damageKinds, compact, true, retired, newestUniversalTime);
    }

    public Spec asRetired() {
      return new Spec(seed, records, targetBytes, damageRate, damageKinds, compact, singleList, true, newestUniversalTime);
    }
  }

  /**
   * What was written.
   *
   * @param firstDamageOffsets byte offset of the first injected damage of each kind
   * @param firstRecord the first record's text, as written
   */
  public record Written(Path file, long records, long bytes, Map<DamageReason, Long> damage,
      Map<DamageReason, Long> firstDamageOffsets, String firstRecord) {
    public long damaged() {
      return damage.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The damage kinds cheap enough to inject by the thousand (all but OVERSIZED). */
  public static final List<DamageReason> COMMON_DAMAGE = List.of(DamageReason.CUT_SHORT, DamageReason.INTERLEAVED,
      DamageReason.STRAY_CLOSE_PAREN, DamageReason.BINARY_GARBAGE, DamageReason.INVALID_UTF8,
      DamageReason.TOP_LEVEL_ATOM);

  static final String[] SYMBOLS = {"USDJPY", "EURUSD", "GBPUSD", "AUDJPY", "XAUUSD"};
  private static final String[] TIMEFRAMES = {"60", "60.0", "240", "15", "\"H1\""};
  private static final String[] COMPACT_TIMEFRAMES = {"60", "60.0", "240", "15", "5"};
  private static final String[] DIRECTIONS = {":BUY", ":SELL", ":BOTH"};
  private static final String[] REASONS = {"Culling Loser", "Max DD (hard stop)", "Sharpe < 0 \\\"bad\\\""};
  private static final int OVERSIZED_BYTES = 70 * 1024;

  private final Spec spec;
  private final SplittableRandom random;
  private final Map<DamageReason, Long> damage = new EnumMap<>(DamageReason.class);
  private final Map<DamageReason, Long> firstOffsets = new EnumMap<>(DamageReason.class);
  private long bytes;
  private int nextKind;

  private LegacyFileWriter(Spec spec) {
    this.spec = spec;
    this.random = new SplittableRandom(spec.seed());
  }

  public static Written write(Path file, Spec spec) throws IOException {
    return new LegacyFileWriter(spec).writeFile(file);
  }

  private Written writeFile(Path file) throws IOException {
    long records = 0;
    String first = null;
    boolean lastDamaged = true;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      if (spec.singleList()) {
        emit(out, "(");
      }
      for (long i = 0; records < spec.records() && bytes < spec.targetBytes(); i++) {
        String rec = record(i);
        if (!lastDamaged && !spec.damageKinds().isEmpty() && random.nextDouble() < spec.damageRate()) {
          damage(out, rec, i);
          lastDamaged = true;
          continue;
        }
        emit(out, separator(records) + rec);
        if (first == null) {
          first = rec;
        }
        records++;
        lastDamaged = false;
      }
      if (spec.singleList()) {
        emit(out, ")\n");
      }
      if (records == 0) {
        throw new IllegalArgumentException("nothing written: " + spec);
      }
    }
    return new Written(file, records, bytes, Collections.unmodifiableMap(damage),
        Collections.unmodifiableMap(firstOffsets), first);
  }

  /** In the one-list layout, items after the first start on a new line indented one space. */
  private String separator(long records) {
    return spec.singleList() && records > 0 ? "\n " : "";
  }

  private void damage(OutputStream out, String rec, long i) throws IOException {
    DamageReason kind = spec.damageKinds().get(nextKind++ % spec.damageKinds().size());
    emit(out, separator(1));
    String eol = spec.singleList() ? "" : "\n";
    byte[] b;
    switch (kind) {
      case CUT_SHORT:
        b = latin1(rec.substring(0, rec.indexOf(" :SL") + 6) + eol);
        break;
      case INTERLEAVED:
        int cut = rec.indexOf(" :SL") + 3;
        String other = record(i + 1_000_000_000L).stripTrailing();
        b = latin1(rec.substring(0, cut) + other + rec.substring(cut));
        break;
      case STRAY_CLOSE_PAREN:
        b = latin1("))" + eol);
        break;
      case BINARY_GARBAGE:
        b = new byte[] {0, 0, (byte) 0xff, (byte) 0xfe, 7, 'x', ')', '\n'};
        break;
      case INVALID_UTF8:
        b = latin1(rec.replace(":SYMBOL \"", ":SYMBOL \"\u00c3("));
        break;
      case TOP_LEVEL_ATOM:
        b = latin1("WRITE-FAILED 42 \"disk full\"" + eol);
        break;
      case OVERSIZED:
        b = latin1(rec.replace(":NAME \"", ":NAME \"" + "x".repeat(OVERSIZED_BYTES)));
        break;
      default:
        throw new IllegalArgumentException("cannot inject " + kind);
    }
    firstOffsets.putIfAbsent(kind, bytes);
    damage.merge(kind, 1L, Long::sum);
    out.write(b);
    bytes += b.length;
  }

  private void emit(OutputStream out, String s) throws IOException {
    byte[] b = latin1(s);
    out.write(b);
    bytes += b.length;
  }

  private String record(long i) {
    String symbol = SYMBOLS[random.nextInt(SYMBOLS.length)];
    String tf = TIMEFRAMES[random.nextInt(TIMEFRAMES.length)];
    String sl = (5 + random.nextInt(195)) / 100.0 + "";
    String tp = (10 + random.nextInt(290)) / 100.0 + (random.nextBoolean() ? "d0" : "");
    if (spec.compact()) {
      String ctf = COMPACT_TIMEFRAMES[random.nextInt(COMPACT_TIMEFRAMES.length)];
      String ctp = (10 + random.nextInt(290)) / 100.0 + (random.nextInt(4) == 0 ? "d0" : "");
      return "(:NAME \"P" + Long.toString(i, 36) + "\" :TIMEFRAME " + ctf + " :SYMBOL \"" + symbol + "\" :SL " + sl
          + " :TP " + ctp + ")"
          + (spec.singleList() ? "" : "\n");
    }
    String cont = spec.singleList() ? "\n  " : "\n ";
    long ts = spec.newestUniversalTime() - random.nextLong(120L * 86_400);
    return "(:NAME \"TREND-" + symbol + "-" + i + "\" :TIMEFRAME " + tf + " :DIRECTION "
        + DIRECTIONS[random.nextInt(DIRECTIONS.length)] + " :SYMBOL \"" + symbol + "\"" + cont + ":SL " + sl
        + " :TP " + tp + " :SHARPE -0." + random.nextInt(99) + " :PROFIT-FACTOR 0." + random.nextInt(99)
        + " :WIN-RATE " + (1 + random.nextInt(7)) + "/8" + cont + ":MAX-DD 0." + random.nextInt(60)
        + " :REASON \"" + REASONS[random.nextInt(REASONS.length)] + "\" :TIMESTAMP " + ts
        + (spec.retired() ? " :RETIRED T" : "") + ")" + (spec.singleList() ? "" : "\n");
  }

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
