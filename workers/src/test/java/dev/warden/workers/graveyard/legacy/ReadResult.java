package dev.warden.workers.graveyard.legacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Everything one read of a test file produced. */
record ReadResult(List<ReadRecord> records, List<Damage> damages, ResumePoint resume,
    ReadSummary summary, Layout layout) {

  static ReadResult readAll(Path file, ResumePoint from, ReaderSettings settings) throws IOException {
    List<Damage> damages = new ArrayList<>();
    List<ReadRecord> records = new ArrayList<>();
    try (SexpReader reader = SexpReader.open(file, from, settings, damages::add)) {
      reader.readAll(records::add);
      return new ReadResult(records, damages, reader.resumePoint(), reader.summary(), reader.layout());
    }
  }

  static ReadResult readAll(Path file) throws IOException {
    return readAll(file, ResumePoint.beginning(), ReaderSettings.defaults());
  }

  static Path write(Path dir, String text) throws IOException {
    return write(dir, text.getBytes(StandardCharsets.UTF_8));
  }

  static Path write(Path dir, byte[] bytes) throws IOException {
    Path file = Files.createTempFile(dir, "graveyard", ".sexp");
    Files.write(file, bytes);
    return file;
  }

  /** The :NAME of every record read, in order. */
  List<String> names() {
    return records.stream().map(r -> r.record().text(LegacyField.NAME)).collect(Collectors.toList());
  }

  List<DamageReason> reasons() {
    return damages.stream().map(Damage::reason).collect(Collectors.toList());
  }
}
