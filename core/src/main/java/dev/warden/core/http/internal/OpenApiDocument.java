package dev.warden.core.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's OpenAPI 3 document: the server's own part (a resource beside this class) with the
 * {@code paths} and {@code components} (schemas, parameters, ...) of every kind that adds routes
 * merged in. Assembled
 * once at start, so it lists exactly what this node serves.
 */
final class OpenApiDocument {
  private static final Logger log = LoggerFactory.getLogger(OpenApiDocument.class);

  private OpenApiDocument() {}

  static ObjectNode assemble(ObjectNode own, Map<String, JsonNode> kinds) {
    ObjectNode doc = own.deepCopy();
    ObjectNode paths = child(doc, "paths");
    ObjectNode components = child(doc, "components");
    kinds.forEach((kind, part) -> {
      merge(paths, part.path("paths"), kind, "path");
      for (Iterator<String> it = part.path("components").fieldNames(); it.hasNext(); ) {
        String section = it.next(); // schemas, parameters, responses, ...
        merge(child(components, section), part.path("components").path(section), kind, section);
      }
    });
    return doc;
  }

  private static ObjectNode child(ObjectNode parent, String name) {
    JsonNode c = parent.get(name);
    return c instanceof ObjectNode ? (ObjectNode) c : parent.putObject(name);
  }

  private static void merge(ObjectNode into, JsonNode from, String kind, String what) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (into.has(e.getKey()) && !into.get(e.getKey()).equals(e.getValue())) {
        log.warn("warden http: kind [{}] describes {} [{}] again in the OpenAPI document; the first description is kept",
            kind, what, e.getKey());
        continue;
      }
      into.set(e.getKey(), e.getValue());
    }
  }
}
