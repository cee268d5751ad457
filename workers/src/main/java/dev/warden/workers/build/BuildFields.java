package dev.warden.workers.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Fields of the build kind's request bodies: each bad one is a 400 that names it. */
final class BuildFields {
  private BuildFields() {}

  static int positiveInt(ObjectNode b, String field) {
    JsonNode v = b.get(field);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw ApiException.badRequest(field, "field [" + field + "] must be an integer >= 1");
    }
    return v.asInt();
  }

  static List<String> strings(ObjectNode b, String field) {
    JsonNode v = b.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(field, "field [" + field + "] must be an array of strings");
    }
    for (JsonNode s : v) {
      if (!s.isTextual() || s.asText().isBlank()) {
        throw ApiException.badRequest(field, "field [" + field + "] must be an array of non-empty strings");
      }
      out.add(s.asText());
    }
    return out;
  }

  static List<LeaseRef> leases(ObjectNode b, String field) {
    JsonNode v = b.get(field);
    List<LeaseRef> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw ApiException.badRequest(field, "field [" + field + "] must be an array of {package, epoch}");
    }
    for (JsonNode l : v) {
      out.add(lease(l, field));
    }
    return out;
  }

  static LeaseRef lease(JsonNode l, String field) {
    if (!l.isObject() || !l.path("package").isTextual() || !l.path("epoch").isIntegralNumber()) {
      throw ApiException.badRequest(field, "field [" + field + "] must hold leases as {\"package\": \"...\", \"epoch\": n}");
    }
    return valid(field, () -> new LeaseRef(l.get("package").asText(), l.get("epoch").asInt()));
  }

  /** Runs a constructor of the core, turning its IllegalArgumentException into a 400 naming {@code field}. */
  static <T> T valid(String field, Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, e.getMessage());
    }
  }
}
