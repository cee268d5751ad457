package dev.warden.core.http;

import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.Warden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * What the node hands a kind that adds routes ({@code WorkerKind.routes}): the node, one JSON
 * mapper, and the helpers that keep every answer of the API alike: JSON bodies, errors as
 * {@code {"error": "...", "field": "..."}}, bodies and parameters read with errors naming the field.
 */
public final class HttpContext {
  private final Warden warden;
  private final ObjectMapper json;
  private final long maxBody;

  /** Made by the node's server, one per node. */
  public HttpContext(Warden warden, ObjectMapper json, long maxBody) {
    this.warden = warden;
    this.json = json;
    this.maxBody = maxBody;
  }

  public Warden warden() {
    return warden;
  }

  public ObjectMapper json() {
    return json;
  }

  public ObjectNode object() {
    return json.createObjectNode();
  }

  public ArrayNode array() {
    return json.createArrayNode();
  }

  // ---- answers ----

  public HttpResponse response(int status, JsonNode body) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a JSON answer", e);
    }
  }

  /** {@code {"error": message, "field": field}} ({@code field} left out when null). */
  public HttpResponse errorResponse(int status, String message, String field) {
    ObjectNode body = object().put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    return response(status, body);
  }

  public HttpResponse errorResponse(ApiException e) {
    return errorResponse(e.status(), e.getMessage(), e.field().orElse(null));
  }

  public Route ok(JsonNode body) {
    return Directives.complete(response(200, body));
  }

  public Route complete(int status, JsonNode body) {
    return Directives.complete(response(status, body));
  }

  public Route error(int status, String message, String field) {
    return Directives.complete(errorResponse(status, message, field));
  }

  /**
   * Answers 200 with the JSON the stage completes with. A stage failed with an
   * {@link ApiException} answers that error; any other failure a logged 500 (a timeout 503).
   */
  public Route respond(CompletionStage<? extends JsonNode> body) {
    return completeWithFuture(body.thenApply(b -> response(200, b)));
  }

  /** Answers the response the stage completes with; failures as {@link #respond}. */
  public Route respondWith(CompletionStage<HttpResponse> response) {
    return completeWithFuture(response);
  }

  // ---- request bodies ----

  /**
   * Reads the request body (at most {@code warden.http.max-body}, the server's bound; larger answers 413) as a JSON
   * object. Bad JSON answers 400 naming where it broke; a body that is not an object, 400.
   */
  public Route jsonBody(Function<ObjectNode, Route> inner) {
    return Directives.entity(Unmarshaller.entityToByteArray(), bytes -> {
      JsonNode node;
      try {
        node = bytes.length == 0 ? null : json.readTree(bytes);
      } catch (JsonProcessingException e) {
        throw ApiException.badRequest("body", "request body is not valid JSON: " + e.getOriginalMessage()
            + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("body", "request body must be a JSON object");
      }
      return inner.apply((ObjectNode) node);
    });
  }

  /** Refuses a body field outside {@code allowed} (a misspelt field would otherwise be ignored). */
  public static void onlyFields(ObjectNode body, Set<String> allowed) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw ApiException.badRequest(name, "unknown field [" + name + "]; known: " + new java.util.TreeSet<>(allowed));
      }
    }
  }

  /** A non-empty string field. */
  public static String requiredString(ObjectNode body, String field) {
    return optionalString(body, field)
        .orElseThrow(() -> ApiException.badRequest(field, "field [" + field + "] is required (a non-empty string)"));
  }

  /** A string field, empty when absent or null; an empty string counts as absent. */
  public static Optional<String> optionalString(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest(field, "field [" + field + "] must be a string, but was " + v.getNodeType().name().toLowerCase());
    }
    return v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
  }

  // ---- query parameters ----

  /** A required parameter's value. */
  public static String required(Optional<String> value, String name) {
    return value.filter(v -> !v.isEmpty())
        .orElseThrow(() -> ApiException.badRequest(name, "query parameter [" + name + "] is required"));
  }

  /** An integer parameter in {@code [min, max]}, {@code otherwise} when absent. */
  public static int intParam(Optional<String> value, String name, int min, int max, int otherwise) {
    if (value.isEmpty()) {
      return otherwise;
    }
    try {
      int v = Integer.parseInt(value.get().trim());
      if (v < min || v > max) {
        throw ApiException.badRequest(name, "query parameter [" + name + "] must be between " + min + " and " + max
            + ", but was " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, "query parameter [" + name + "] must be an integer, but was [" + value.get() + "]");
    }
  }

  /** A required finite number. */
  public static double doubleParam(Optional<String> value, String name) {
    String raw = required(value, name);
    try {
      double v = Double.parseDouble(raw.trim());
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name, "query parameter [" + name + "] must be a finite number, but was [" + raw + "]");
    }
  }

  /** {@code true}/{@code false}, {@code otherwise} when absent. */
  public static boolean boolParam(Optional<String> value, String name, boolean otherwise) {
    if (value.isEmpty()) {
      return otherwise;
    }
    switch (value.get().trim().toLowerCase()) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw ApiException.badRequest(name, "query parameter [" + name + "] must be true or false, but was [" + value.get() + "]");
    }
  }

  // ---- the OpenAPI document ----

  /** A kind's part of the OpenAPI document, a JSON resource beside {@code anchor} (e.g. {@code "openapi.json"}). */
  public JsonNode openApiResource(Class<?> anchor, String name) {
    try (InputStream in = anchor.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + name + " beside " + anchor.getName());
      }
      return json.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " beside " + anchor.getName(), e);
    }
  }
}
