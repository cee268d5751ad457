package dev.warden.workers.graveyard.legacy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a legacy-style graveyard file with a known share of damage, and knows what a correct
 * reader must find in it: every injected damage is one quarantined range, and no damage ever
 * follows another, so every intact record must be read.
 */
final class LegacyFileGenerator {

  /** What the generated file holds. */
  record Expected(long records, long damaged, long bytes) {}

  private static final String[] SYMBOLS = {"USDJPY", "EURUSD", "GBPUSD", "AUDJPY", "XAUUSD"};
  private static final String[] TIMEFRAMES = {"1", "5", "15", "60", "60.0", "240", "1440", "\"H1\""};
  private static final String[] DIRECTIONS = {":BUY", ":SELL", ":BOTH"};
  private static final String[] REASONS = {"Culling Loser", "Max DD (hard stop)", "Sharpe < 0 \\\"bad\\\""};

  private final Random random;
  private final boolean compact;

  private LegacyFileGenerator(long seed, boolean compact) {
    this.random = new Random(seed);
    this.compact = compact;
  }

  /**
   * Writes about {@code targetBytes} to {@code file}.
   *
   * @param compact short records (~64 bytes, as many as the 2.6 M in 163 MB) instead
   *     of full pretty-printed ones (~230 bytes)
   */
  static Expected write(Path file, long targetBytes, double damageRate, long seed, boolean compact)
      throws IOException {
    return new LegacyFileGenerator(seed, compact).writeFile(file, targetBytes, damageRate);
  }

  private Expected writeFile(Path file, long targetBytes, double damageRate) throws IOException {
    long records = 0;
    long damaged = 0;
    long bytes = 0;
    boolean lastDamaged = true;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      for (long i = 0; bytes < targetBytes; i++) {
        byte[] rec = record(i);
        if (!lastDamaged && random.nextDouble() < damageRate) {
          bytes += damage(out, rec, i);
          damaged++;
          lastDamaged = true;
          continue;
        }
        out.write(rec);
        bytes += rec.length;
        records++;
        lastDamaged = false;
      }
    }
    return new Expected(records, damaged, bytes);
  }

  /** Writes one damage; the intact records it costs are not counted as records. */
  private int damage(OutputStream out, byte[] rec, long i) throws IOException {
    byte[] bytes;
    switch ((int) (i % 6)) {
      case 0:
        bytes = concat(slice(rec, 0, 2 + random.nextInt(rec.length - 4)), "\n".getBytes(StandardCharsets.US_ASCII));
        break;
      case 1:
        int cut = indexOf(rec, " :SL") + 3;
        bytes = concat(slice(rec, 0, cut), record(i + 1_000_000_000L), slice(rec, cut, rec.length));
        break;
      case 2:
        bytes = "))\n".getBytes(StandardCharsets.US_ASCII);
        break;
      case 3:
        bytes = new byte[] {0, 0, (byte) 0xff, (byte) 0xfe, 7, 'x', ')', '\n'};
        break;
      case 4:
        bytes = "WRITE-FAILED 42 \"disk full\"\n".getBytes(StandardCharsets.US_ASCII);
        break;
      default:
        String text = new String(rec, StandardCharsets.ISO_8859_1);
        bytes = text.replace(":SYMBOL \"", ":SYMBOL \"\u00c3(").getBytes(StandardCharsets.ISO_8859_1);
    }
    out.write(bytes);
    return bytes.length;
  }

  private byte[] record(long i) {
    String symbol = SYMBOLS[random.nextInt(SYMBOLS.length)];
    String tf = TIMEFRAMES[random.nextInt(TIMEFRAMES.length)];
    String sl = (5 + random.nextInt(195)) / 100.0 + "";
    String tp = (10 + random.nextInt(290)) / 100.0 + (random.nextBoolean() ? "d0" : "");
    String s;
    if (compact) {
      s = "(:NAME \"P-" + i + "\" :TIMEFRAME " + tf + " :SYMBOL \"" + symbol + "\" :SL " + sl
          + " :TP " + tp + ")\n";
    } else {
      s = "(:NAME \"TREND-" + symbol + "-H1-" + i + "\" :TIMEFRAME " + tf + " :DIRECTION "
          + DIRECTIONS[random.nextInt(3)] + " :SYMBOL \"" + symbol + "\"\n :SL " + sl + " :TP " + tp
          + " :SHARPE -0." + random.nextInt(99) + " :PROFIT-FACTOR 0." + random.nextInt(99)
          + " :WIN-RATE " + (1 + random.nextInt(7)) + "/8\n :MAX-DD 0." + random.nextInt(60)
          + " :REASON \"" + REASONS[random.nextInt(REASONS.length)] + "\" :TIMESTAMP "
          + (3_900_000_000L + i) + ")\n";
    }
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static int indexOf(byte[] b, String s) {
    return new String(b, StandardCharsets.ISO_8859_1).indexOf(s);
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return java.util.Arrays.copyOfRange(b, from, to);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
