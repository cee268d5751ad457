package dev.warden.workers.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One model interaction as the host submits it, and as its job payload (JSON) is journaled:
 * which conversation it belongs to (for latency and its timeout class), the model call itself,
 * and optionally its own timeout class (a name under {@code warden.llm.classes}).
 */
public record Interaction(String conversation, ModelCall call, Optional<String> timeoutClass) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Interaction {
    if (conversation == null || conversation.isBlank()) {
      throw new IllegalArgumentException("an interaction needs a conversation");
    }
    if (call == null || call.model() == null || call.model().isBlank() || call.baseUri() == null || call.api() == null) {
      throw new IllegalArgumentException("interaction of conversation [" + conversation + "] needs an api, a base URI and a model");
    }
    timeoutClass = timeoutClass == null ? Optional.empty() : timeoutClass;
  }

  public static Interaction of(String conversation, ModelCall call) {
    return new Interaction(conversation, call, Optional.empty());
  }

  /** This interaction with its own timeout class, whatever its conversation's is. */
  public Interaction withTimeoutClass(String name) {
    return new Interaction(conversation, call, Optional.of(name));
  }

  public String model() {
    return call.model();
  }

  /** The job payload. The API key is never journaled (hosts pass it per node: a later change). */
  String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("conversation", conversation);
    root.put("api", call.api().name());
    root.put("baseUri", call.baseUri().toString());
    root.put("model", call.model());
    ArrayNode messages = root.putArray("messages");
    for (ChatMessage m : call.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    root.put("prompt", call.prompt());
    timeoutClass.ifPresent(t -> root.put("timeoutClass", t));
    return root.toString();
  }

  /** Parses a journaled payload; a broken one is an {@link InvalidInteractionException} (not retried). */
  static Interaction fromJson(String payload) {
    try {
      JsonNode n = JSON.readTree(payload);
      List<ChatMessage> messages = new ArrayList<>();
      for (JsonNode m : n.path("messages")) {
        messages.add(new ChatMessage(m.path("role").asText(), m.path("content").asText()));
      }
      ModelCall call = new ModelCall(ModelApi.valueOf(n.path("api").asText()), URI.create(n.path("baseUri").asText()),
          n.path("model").asText(), messages, n.path("prompt").asText(""), Optional.empty());
      String cls = n.path("timeoutClass").asText("");
      return new Interaction(n.path("conversation").asText(), call, cls.isEmpty() ? Optional.empty() : Optional.of(cls));
    } catch (Exception e) {
      throw new InvalidInteractionException("interaction payload is not usable (" + e.getMessage() + "): "
          + (payload.length() > 200 ? payload.substring(0, 200) + "..." : payload), e);
    }
  }
}
