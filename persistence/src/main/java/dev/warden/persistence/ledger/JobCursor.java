package dev.warden.persistence.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of {@link JobLedger#list} ended: the last listed job's submit time and id. Jobs are
 * listed by (submit time, id), so the next page starts right after it, whatever was submitted or
 * forgotten meanwhile. Clients see it as the opaque {@link #encode()}.
 */
public record JobCursor(long submittedAt, String id) {

  public JobCursor {
    if (id == null) {
      throw new IllegalArgumentException("a cursor needs a job id");
    }
  }

  /** URL-safe text: base64url of {@code <submittedAt>:<id>}. */
  public String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((submittedAt + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** Reads {@link #encode()}'s text; {@link IllegalArgumentException} for anything else. */
  public static JobCursor decode(String text) {
    String s;
    try {
      s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a cursor this ledger gave out: " + text, e);
    }
    int colon = s.indexOf(':');
    try {
      return new JobCursor(Long.parseLong(s.substring(0, Math.max(colon, 0))), s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a cursor this ledger gave out: " + text, e);
    }
  }
}
