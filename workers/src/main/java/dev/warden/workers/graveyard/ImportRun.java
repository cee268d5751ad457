package dev.warden.workers.graveyard;

import dev.warden.core.DataFiles;
import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.graveyard.legacy.FileQuarantineSink;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import dev.warden.workers.graveyard.legacy.ReadRecord;
import dev.warden.workers.graveyard.legacy.ReadSummary;
import dev.warden.workers.graveyard.legacy.ResumePoint;
import dev.warden.workers.graveyard.legacy.SexpReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;

/**
 * One import, run on a blocking thread: streams each file through {@link SexpReader} and
 * journals its records in batches of bounded size, at most one batch in flight while the next
 * is read (backpressure: the file is never ahead of the journal by more than two batches).
 * Each batch carries the file's resume point and the SHA-256 of every byte before it, so a
 * crash between batches loses nothing and repeats nothing. Throws on I/O errors and journal
 * timeouts.
 *
 * <p>A file imported before and unchanged since (same {@link FileStamp}) is up to date without
 * being read. Otherwise it is checked first: shorter than where the last import ended is
 * TRUNCATED; a different hash of the bytes imported earlier (all of them) is REPLACED. Either
 * is reported and nothing is imported from it: re-reading it from the start would double-count
 * every record already stored (the legacy daemon counts duplicates as separate failures, so
 * content hashes cannot tell a re-read from a genuine repeat).
 *
 * <p>Records timestamped too far ahead of {@code clock} are quarantined ({@link FutureTimestamps}).
 */
final class ImportRun {
  private final ImportRequest request;
  private final GraveyardSettings settings;
  private final ActorRef<PatternJournal.Command> journal;
  private final Scheduler scheduler;
  private final Supplier<Long> storedPatterns;
  private final DataFiles files;
  private final Clock clock;

  ImportRun(ImportRequest request, GraveyardSettings settings, ActorRef<PatternJournal.Command> journal,
      Scheduler scheduler, Supplier<Long> storedPatterns, DataFiles files, Clock clock) {
    this.files = files;
    this.request = request;
    this.settings = settings;
    this.journal = journal;
    this.scheduler = scheduler;
    this.storedPatterns = storedPatterns;
    this.clock = clock;
  }

  ImportReport run() throws IOException {
    long t0 = System.nanoTime();
    List<FileReport> reports = new ArrayList<>();
    for (ImportRequest.Job job : request.jobs()) {
      reports.add(importFile(job.source(), job.path()));
    }
    return new ImportReport(reports, clock.instant(), Duration.ofNanos(System.nanoTime() - t0), storedPatterns.get());
  }

  private FileReport importFile(Source source, Path given) throws IOException {
    long t0 = System.nanoTime();
    Path path = given.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw new IOException("cannot import " + path + ": not a regular file");
    }
    String key = source.name().toLowerCase() + ":" + path;
    Optional<FileProgress> prev = await(AskPattern.ask(journal, r -> new PatternJournal.GetProgress(key, r),
        settings.batchTimeout(), scheduler));
    FileStamp stamp = FileStamp.of(path);
    if (prev.isPresent() && stamp.unchanged(prev.get().stamp())) {
      FileProgress p = prev.get();
      return report(source, path, p.nothingReadable() ? FileReport.Status.NOTHING_READABLE : FileReport.Status.UP_TO_DATE,
          p.recordsImported(), t0, p.nothingReadable() ? nothingReadable(p.rangesQuarantined()) : "");
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      Fingerprint hash = new Fingerprint(ch);
      if (prev.isPresent()) {
        FileReport refused = verify(source, path, ch, hash, prev.get(), t0);
        if (refused != null) {
          return refused;
        }
      }
      return read(source, path, key, hash, stamp, prev, t0);
    }
  }

  /** Null when the bytes imported earlier are all still there; else the report refusing the file. */
  private FileReport verify(Source source, Path path, FileChannel ch, Fingerprint hash, FileProgress p, long t0)
      throws IOException {
    long size = ch.size();
    String problem = null;
    FileReport.Status status = FileReport.Status.REPLACED;
    if (size < p.offset()) {
      status = FileReport.Status.TRUNCATED;
      problem = "now " + size + " bytes, but the last import ended at offset " + p.offset();
    } else if (p.prefixHash() != null) {
      hash.advanceTo(p.offset());
      if (!hash.hex().equals(p.prefixHash())) {
        problem = "its first " + p.offset() + " bytes, imported earlier, changed (their SHA-256 differs)";
      }
    } else { // progress journaled before whole-file hashes
      hash.advanceTo(p.offset());
      if (p.headHash() != null && !Fingerprint.of(ch, 0, p.headLength()).equals(p.headHash())) {
        problem = "its first " + p.headLength() + " bytes differ from the last import's";
      } else if (p.tailHash() != null
          && !Fingerprint.of(ch, p.offset() - p.tailLength(), p.tailLength()).equals(p.tailHash())) {
        problem = "the " + p.tailLength() + " bytes before offset " + p.offset() + " differ from the last import's";
      }
    }
    return problem == null ? null : report(source, path, status, p.recordsImported(), t0,
        problem + "; not imported, the " + p.recordsImported() + " records imported from it earlier stay stored");
  }

  private FileReport read(Source source, Path path, String key, Fingerprint hash, FileStamp stamp,
      Optional<FileProgress> prev, long t0) throws IOException {
    long already = prev.map(FileProgress::recordsImported).orElse(0L);
    long rangesBefore = prev.map(FileProgress::rangesQuarantined).orElse(0L);
    ResumePoint from = prev.map(FileProgress::resumePoint).orElse(ResumePoint.beginning());
    FutureTimestamps future = new FutureTimestamps(clock.instant(), settings.maxClockSkew());
    Path side = quarantineFile(source, path);
    Map<Exclusion, Long> excluded = new EnumMap<>(Exclusion.class);
    long imported = 0;
    ReadSummary summary;
    try (FileQuarantineSink sink = FileQuarantineSink.open(side, path, settings.quarantineMaxEntries());
        SexpReader reader = SexpReader.open(path, from, settings.reader(), sink)) {
      List<String> batch = new ArrayList<>();
      List<LegacyRecord> parsed = new ArrayList<>();
      long batchBytes = 0;
      CompletableFuture<Done> inFlight = CompletableFuture.completedFuture(Done.getInstance());
      for (ReadRecord r = reader.next(); r != null; r = reader.next()) {
        String refusal = future.refusal(r.record());
        if (refusal != null) {
          reader.quarantine(r, DamageReason.FUTURE_TIMESTAMP, refusal);
          continue;
        }
        for (Exclusion e : Exclusion.of(r.record())) {
          excluded.merge(e, 1L, Long::sum);
        }
        String text = r.record().toSexp();
        batch.add(text);
        parsed.add(r.record());
        batchBytes += text.length();
        if (batch.size() >= settings.batchRecords() || batchBytes >= settings.batchBytes()) {
          imported += batch.size();
          sink.flush(); // the journal never gets ahead of the quarantine file
          FileProgress p = progress(key, source, path, hash, reader.resumePoint(), already + imported, null,
              rangesBefore + reader.summary().damaged());
          inFlight = send(inFlight, source, batch, parsed, p, false);
          batch = new ArrayList<>();
          parsed = new ArrayList<>();
          batchBytes = 0;
        }
      }
      sink.flush();
      imported += batch.size();
      // read to its end: the stamp says when it needs reading again (always sent, so it is kept)
      FileProgress p = progress(key, source, path, hash, reader.resumePoint(), already + imported, stamp,
          rangesBefore + reader.summary().damaged());
      inFlight = send(inFlight, source, batch, parsed, p, true);
      await(inFlight);
      summary = reader.summary();
    }
    Map<DamageReason, Long> damage = new EnumMap<>(DamageReason.class);
    damage.putAll(summary.damageCounts());
    long ranges = rangesBefore + summary.damaged();
    FileReport.Status status = already + imported == 0 && ranges > 0 ? FileReport.Status.NOTHING_READABLE
        : summary.records() == 0 && summary.damaged() == 0 && prev.isPresent() ? FileReport.Status.UP_TO_DATE
        : FileReport.Status.IMPORTED;
    return new FileReport(source, path, status, summary.records(), imported, already, damage,
        excluded, summary.bytesScanned(), seconds(t0), side,
        status == FileReport.Status.NOTHING_READABLE ? nothingReadable(ranges) : "");
  }

  private static String nothingReadable(long ranges) {
    return "not one intact record, only " + ranges + " damaged range" + (ranges == 1 ? "" : "s")
        + ": is this a legacy graveyard file?";
  }

  private static FileReport report(Source source, Path path, FileReport.Status status, long already, long t0,
      String note) {
    return new FileReport(source, path, status, 0, 0, already, Map.of(), Map.of(), 0, seconds(t0), null, note);
  }

  /** Progress at {@code at}, hashing the bytes read since the last batch (while that one is being journaled). */
  private static FileProgress progress(String key, Source source, Path path, Fingerprint hash, ResumePoint at,
      long records, FileStamp stamp, long ranges) throws IOException {
    hash.advanceTo(at.offset());
    return FileProgress.of(key, source, path.toString(), at, records, hash.hex(), stamp, ranges);
  }

  /** Waits for the batch in flight, then sends this one: at most one batch waits on the journal. */
  private CompletableFuture<Done> send(CompletableFuture<Done> previous, Source source, List<String> batch,
      List<LegacyRecord> parsed, FileProgress p, boolean last) {
    await(previous);
    return AskPattern.<PatternJournal.Command, StatusReply<Done>>ask(
            journal, r -> new PatternJournal.Append(source, batch, parsed, p, last, r), settings.batchTimeout(), scheduler)
        .toCompletableFuture()
        .thenApply(StatusReply::getValue);
  }

  private Path quarantineFile(Source source, Path path) throws IOException {
    files.directory(settings.quarantineDir(), "warden.graveyard.import.quarantine-dir");
    String hash = Integer.toHexString(path.toString().hashCode());
    // owner-only (warden.data-file-mode): damaged records are copied into it as samples
    return files.file(settings.quarantineDir().resolve(
        path.getFileName() + "." + source.name().toLowerCase() + "." + hash + ".quarantine.tsv"));
  }

  private <T> T await(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(settings.batchTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("import interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("journal write failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("journal did not answer within " + settings.batchTimeout(), e);
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
