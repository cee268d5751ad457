package dev.warden.workers.graveyard;

import dev.warden.core.DataFiles;
import dev.warden.persistence.sexp.DamageReason;
import dev.warden.persistence.sexp.FileQuarantineSink;
import dev.warden.persistence.sexp.LegacyRecord;
import dev.warden.persistence.sexp.ReadRecord;
import dev.warden.persistence.sexp.ReadSummary;
import dev.warden.persistence.sexp.ResumePoint;
import dev.warden.persistence.sexp.SexpReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
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
 * Each batch carries the file's resume point, so a crash between batches loses nothing and
 * repeats nothing. Throws on I/O errors and journal timeouts.
 *
 * <p>A file imported before is checked first: shorter than where the last import ended is
 * TRUNCATED; different first bytes, or different bytes just before that end, is REPLACED.
 * Either is reported and nothing is imported from it: re-reading it from the start would
 * double-count every record already stored (the legacy daemon counts duplicates as separate
 * failures, so content hashes cannot tell a re-read from a genuine repeat).
 */
final class ImportRun {
  private static final int TAIL = 4096;

  private final ImportRequest request;
  private final GraveyardSettings settings;
  private final ActorRef<PatternJournal.Command> journal;
  private final Scheduler scheduler;
  private final Supplier<Long> storedPatterns;
  private final DataFiles files;

  ImportRun(ImportRequest request, GraveyardSettings settings, ActorRef<PatternJournal.Command> journal,
      Scheduler scheduler, Supplier<Long> storedPatterns, DataFiles files) {
    this.files = files;
    this.request = request;
    this.settings = settings;
    this.journal = journal;
    this.scheduler = scheduler;
    this.storedPatterns = storedPatterns;
  }

  ImportReport run() throws IOException {
    long t0 = System.nanoTime();
    List<FileReport> reports = new ArrayList<>();
    for (ImportRequest.Job job : request.jobs()) {
      reports.add(importFile(job.source(), job.path()));
    }
    return new ImportReport(reports, Instant.now(), Duration.ofNanos(System.nanoTime() - t0), storedPatterns.get());
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
    long already = prev.map(FileProgress::recordsImported).orElse(0L);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      int headLength;
      String headHash;
      if (prev.isPresent()) {
        FileProgress p = prev.get();
        String problem = null;
        FileReport.Status status = FileReport.Status.REPLACED;
        if (size < p.offset()) {
          status = FileReport.Status.TRUNCATED;
          problem = "now " + size + " bytes, but the last import ended at offset " + p.offset();
        } else if (!Fingerprint.of(ch, 0, p.headLength()).equals(p.headHash())) {
          problem = "its first " + p.headLength() + " bytes differ from the last import's";
        } else if (!Fingerprint.of(ch, p.offset() - p.tailLength(), p.tailLength()).equals(p.tailHash())) {
          problem = "the " + p.tailLength() + " bytes before offset " + p.offset() + " differ from the last import's";
        }
        if (problem != null) {
          return new FileReport(source, path, status, 0, 0, already, Map.of(), Map.of(), 0, seconds(t0), null,
              problem + "; not imported, the " + already + " records imported from it earlier stay stored");
        }
        if (size == p.offset()) {
          return new FileReport(source, path, FileReport.Status.UP_TO_DATE, 0, 0, already, Map.of(), Map.of(), 0,
              seconds(t0), null, "");
        }
        headLength = p.headLength();
        headHash = p.headHash();
      } else {
        headLength = (int) Math.min(size, Fingerprint.MAX);
        headHash = Fingerprint.of(ch, 0, headLength);
      }
      ResumePoint from = prev.map(FileProgress::resumePoint).orElse(ResumePoint.beginning());
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
        long lastOffset = from.offset();
        for (ReadRecord r = reader.next(); r != null; r = reader.next()) {
          for (Exclusion e : Exclusion.of(r.record())) {
            excluded.merge(e, 1L, Long::sum);
          }
          String text = r.record().toSexp();
          batch.add(text);
          parsed.add(r.record());
          batchBytes += text.length();
          if (batch.size() >= settings.batchRecords() || batchBytes >= settings.batchBytes()) {
            imported += batch.size();
            ResumePoint at = reader.resumePoint();
            FileProgress p = progress(key, source, path, ch, at, headLength, headHash, already + imported);
            inFlight = send(inFlight, source, batch, parsed, p, false);
            lastOffset = at.offset();
            batch = new ArrayList<>();
            parsed = new ArrayList<>();
            batchBytes = 0;
          }
        }
        ResumePoint end = reader.resumePoint();
        if (!batch.isEmpty() || end.offset() != lastOffset || prev.isEmpty()) {
          imported += batch.size();
          FileProgress p = progress(key, source, path, ch, end, headLength, headHash, already + imported);
          inFlight = send(inFlight, source, batch, parsed, p, true);
        }
        await(inFlight);
        summary = reader.summary();
      }
      Map<DamageReason, Long> damage = new EnumMap<>(DamageReason.class);
      damage.putAll(summary.damageCounts());
      FileReport.Status status = summary.records() == 0 && summary.damaged() == 0 && prev.isPresent()
          ? FileReport.Status.UP_TO_DATE : FileReport.Status.IMPORTED;
      return new FileReport(source, path, status, summary.records(), imported, already, damage,
          excluded, summary.bytesScanned(), seconds(t0), side, "");
    }
  }

  private FileProgress progress(String key, Source source, Path path, FileChannel ch, ResumePoint at, int headLength,
      String headHash, long records) throws IOException {
    int tail = (int) Math.min(at.offset(), TAIL);
    return new FileProgress(key, source, path.toString(), at.offset(), at.layout(), headLength, headHash, tail,
        Fingerprint.of(ch, at.offset() - tail, tail), records);
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
