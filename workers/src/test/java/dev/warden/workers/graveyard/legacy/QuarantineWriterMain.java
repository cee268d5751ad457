package dev.warden.workers.graveyard.legacy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child-process entry for the crash test of the quarantine file: lists damaged ranges
 * {@code 0, 100, 200, ...} as fast as it can, flushing every 50 (an import's batches), until
 * killed or the file reaches 64 MB.
 */
public final class QuarantineWriterMain {

  private QuarantineWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path side = Path.of(args[0]);
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, Path.of("graveyard.sexp"), Long.MAX_VALUE)) {
      for (long i = 0; Files.size(side) < (64L << 20); i++) {
        sink.accept(damage(i));
        if (i % 50 == 49) {
          sink.flush();
        }
      }
    }
  }

  static Damage damage(long i) {
    byte[] sample = ("(:NAME \"range " + i + "\" \u0000\u0001 :SL 0.3 :TP 1.2 :REASON \"torn\"")
        .getBytes(StandardCharsets.ISO_8859_1);
    return new Damage(100 * i, 50, DamageReason.BINARY_GARBAGE, "damaged range number " + i, sample);
  }
}
