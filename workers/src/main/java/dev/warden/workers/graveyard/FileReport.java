package dev.warden.workers.graveyard;

import dev.warden.workers.graveyard.legacy.DamageReason;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an import did with one file.
 *
 * @param recordsRead intact records read in this run
 * @param imported records journaled in this run
 * @param alreadyPresent records imported from this file by earlier runs (not read again)
 * @param quarantined damaged ranges by reason, this run
 * @param excluded records that do not fully count towards regions, by reason, this run
 * @param bytesRead bytes examined in this run
 * @param quarantineFile the side file with the damaged ranges, or null if nothing was read
 * @param note for REPLACED/TRUNCATED/NOTHING_READABLE, what was found; otherwise empty
 */
public record FileReport(
    Source source,
    Path path,
    Status status,
    long recordsRead,
    long imported,
    long alreadyPresent,
    Map<DamageReason, Long> quarantined,
    Map<Exclusion, Long> excluded,
    long bytesRead,
    double seconds,
    Path quarantineFile,
    String note) {

  public enum Status {
    /** New records (or damage) were read and journaled. */
    IMPORTED,
    /** Nothing was appended since the last import. */
    UP_TO_DATE,
    /** The file's first bytes or the bytes before the last import's end changed: not imported. */
    REPLACED,
    /** The file is shorter than where the last import ended: not imported. */
    TRUNCATED,
    /**
     * Not one intact record in the whole file, only damage (or records refused): nothing could
     * be read. Its damage is quarantined as usual; the CLI exits non-zero.
     */
    NOTHING_READABLE
  }

  public long quarantinedTotal() {
    return quarantined.values().stream().mapToLong(Long::longValue).sum();
  }

  /** True unless the file was refused (replaced or truncated) or held nothing readable. */
  public boolean ok() {
    return status == Status.IMPORTED || status == Status.UP_TO_DATE;
  }

  /** True when the file was refused as replaced or truncated. */
  public boolean refused() {
    return status == Status.REPLACED || status == Status.TRUNCATED;
  }

  public double megabytesPerSecond() {
    return seconds <= 0 ? 0 : bytesRead / 1e6 / seconds;
  }

  /** A few lines for people. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(source.name().toLowerCase()).append(' ').append(path).append(": ").append(status);
    if (!note.isEmpty()) {
      b.append(" (").append(note).append(')');
    }
    b.append('\n');
    b.append(String.format("  records read %d, imported %d, already present %d, quarantined %d%s%n",
        recordsRead, imported, alreadyPresent, quarantinedTotal(), quarantined.isEmpty() ? "" : " " + counts(quarantined)));
    b.append(String.format("  excluded from regions: %s%n", excluded.isEmpty() ? "none" : counts(excluded)));
    b.append(String.format("  %.1f MB in %.2f s, %.1f MB/s%s", bytesRead / 1e6, seconds, megabytesPerSecond(),
        quarantineFile == null ? "" : ", quarantine file " + quarantineFile));
    return b.toString();
  }

  private static String counts(Map<?, Long> m) {
    return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "(", ")"));
  }
}
