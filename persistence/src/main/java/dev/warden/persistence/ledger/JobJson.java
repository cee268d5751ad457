package dev.warden.persistence.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.HttpContext;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Jobs, pages and events as the HTTP API shows them (the schemas of the ledger's OpenAPI part). */
public final class JobJson {
  private static final Set<String> SHOWN_APART = Set.of("e", "jobId", "at", "attempt");

  private JobJson() {}

  /** {@code {id, type, status, bucket, terminal, attempt, parent, result, cause, lastFailure}}; absent values are null. */
  public static ObjectNode view(HttpContext http, JobView v) {
    ObjectNode o = http.object()
        .put("id", v.id())
        .put("type", v.type())
        .put("status", v.status().name())
        .put("bucket", v.status().bucket())
        .put("terminal", v.status().terminal())
        .put("attempt", v.attempt());
    o.put("parent", v.parent().orElse(null));
    o.put("result", v.result().orElse(null));
    o.put("cause", v.cause().orElse(null));
    if (v.lastFailure().isPresent()) {
      JobFailure f = v.lastFailure().get();
      o.putObject("lastFailure")
          .put("attempt", f.attempt())
          .put("errorClass", f.errorClass())
          .put("message", f.message())
          .put("stackTrace", f.stackTrace());
    } else {
      o.putNull("lastFailure");
    }
    return o;
  }

  /** A listed job: its view and {@code submittedAt} (epoch ms). */
  public static ObjectNode entry(HttpContext http, JobPage.Entry e) {
    ObjectNode o = view(http, e.job());
    o.put("submittedAt", e.submittedAt());
    return o;
  }

  /**
   * {@code {event, attempt, at, time, ...}}: the event's name, its attempt where it has one, its time
   * (epoch ms and ISO-8601), then its own fields (a Failed event's cause and trace, a Reaped one's reason...).
   */
  public static ObjectNode event(HttpContext http, JobEvent e) {
    JsonNode raw = http.json().valueToTree(e);
    ObjectNode o = http.object().put("event", e.getClass().getSimpleName());
    if (raw.has("attempt")) {
      o.put("attempt", raw.get("attempt").asInt());
    }
    o.put("at", e.at()).put("time", Instant.ofEpochMilli(e.at()).toString());
    for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!SHOWN_APART.contains(f.getKey())) {
        o.set(f.getKey(), f.getValue());
      }
    }
    return o;
  }
}
