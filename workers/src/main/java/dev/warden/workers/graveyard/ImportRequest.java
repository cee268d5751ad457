package dev.warden.workers.graveyard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Legacy files to import, in order: {@code graveyard.sexp}, then optionally {@code retired.sexp}
 * and {@code graveyard.emergency.sexp}.
 */
public record ImportRequest(Path graveyard, Path retired, Path emergency) {

  public ImportRequest {
    if (graveyard == null && retired == null && emergency == null) {
      throw new IllegalArgumentException("nothing to import: give at least one file");
    }
  }

  public static ImportRequest of(Path graveyard) {
    return new ImportRequest(Objects.requireNonNull(graveyard, "graveyard"), null, null);
  }

  /** The files with their sources, in import order. */
  List<Job> jobs() {
    List<Job> out = new ArrayList<>(3);
    if (graveyard != null) {
      out.add(new Job(Source.GRAVEYARD, graveyard));
    }
    if (retired != null) {
      out.add(new Job(Source.RETIRED, retired));
    }
    if (emergency != null) {
      out.add(new Job(Source.EMERGENCY, emergency));
    }
    return out;
  }

  record Job(Source source, Path path) {}
}
