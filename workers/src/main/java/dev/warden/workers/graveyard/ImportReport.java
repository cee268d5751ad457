package dev.warden.workers.graveyard;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** The summary of one import run over one or more files. */
public record ImportReport(List<FileReport> files, Instant finishedAt, Duration duration, long storedPatterns) {

  /** False when a file was refused as replaced or truncated, or held nothing readable. */
  public boolean ok() {
    return files.stream().allMatch(FileReport::ok);
  }

  /** True when a file was refused as replaced or truncated. */
  public boolean refused() {
    return files.stream().anyMatch(FileReport::refused);
  }

  /** True when a file held not one intact record, only damage. */
  public boolean nothingReadable() {
    return files.stream().anyMatch(f -> f.status() == FileReport.Status.NOTHING_READABLE);
  }

  /** What is wrong, for a log line: empty when {@link #ok()}. */
  public String problems() {
    return (refused() ? "some files refused (replaced or truncated)" : "")
        + (refused() && nothingReadable() ? "; " : "")
        + (nothingReadable() ? "some files held nothing readable (not one intact record)" : "");
  }

  public long recordsRead() {
    return files.stream().mapToLong(FileReport::recordsRead).sum();
  }

  public long imported() {
    return files.stream().mapToLong(FileReport::imported).sum();
  }

  public long quarantined() {
    return files.stream().mapToLong(FileReport::quarantinedTotal).sum();
  }

  public long bytesRead() {
    return files.stream().mapToLong(FileReport::bytesRead).sum();
  }

  public double recordsPerSecond() {
    double s = duration.toNanos() / 1e9;
    return s <= 0 ? 0 : recordsRead() / s;
  }

  /** Damaged ranges per range examined (records + damage), 0..1. */
  public double parseErrorRate() {
    long total = recordsRead() + quarantined();
    return total == 0 ? 0 : (double) quarantined() / total;
  }

  public String render() {
    return files.stream().map(FileReport::render).collect(Collectors.joining("\n"))
        + String.format("%ntotal: %d read, %d imported, %d quarantined in %.2f s (%.0f records/s); %d patterns stored",
            recordsRead(), imported(), quarantined(), duration.toNanos() / 1e9, recordsPerSecond(), storedPatterns);
  }
}
