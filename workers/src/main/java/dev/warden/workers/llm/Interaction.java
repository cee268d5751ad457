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
    if (call == null || call.model() == null || call.model().isBlank()
        || (call.endpoint().isEmpty() && (call.baseUri() == null || call.api() == null))) {
      throw new IllegalArgumentException("interaction of conversation [" + conversation + "] needs a model and an endpoint,"
          + " or an api and a base URI");
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

  /**
   * The job payload: the endpoint's name or the inline URL, never a credential ({@link Llm#submit}
   * refuses an inline key and a URL with user-info before this is written).
   */
  String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("conversation", conversation);
    if (call.endpoint().isPresent()) {
      root.put("endpoint", call.endpoint().get());
      root.put("generate", call.api() == ModelApi.OLLAMA_GENERATE);
    } else {
      root.put("api", call.api().name());
      root.put("baseUri", ModelEndpoint.withoutUserInfo(call.baseUri()).toString());
    }
    root.put("model", call.model());
    ArrayNode messages = root.putArray("messages");
    for (ChatMessage m : call.messages()) {
      messages.addObject().put("role", m.role()).put("content", m.content());
    }
    root.put("prompt", call.prompt());
    timeoutClass.ifPresent(t -> root.put("timeoutClass", t));
    return root.toString();
  }

  /**
   * Parses a journaled payload; a broken one is an {@link InvalidInteractionException} (not
   * retried). User-info in a URL journaled before it was refused is dropped: it was never sent
   * (the HTTP client ignores it) and must not reach a log or a failure cause.
   */
  static Interaction fromJson(String payload) {
    try {
      JsonNode n = JSON.readTree(payload);
      List<ChatMessage> messages = new ArrayList<>();
      for (JsonNode m : n.path("messages")) {
        messages.add(new ChatMessage(m.path("role").asText(), m.path("content").asText()));
      }
      String prompt = n.path("prompt").asText("");
      String model = n.path("model").asText();
      ModelCall call;
      if (n.hasNonNull("endpoint")) {
        call = new ModelCall(n.path("generate").asBoolean(false) ? ModelApi.OLLAMA_GENERATE : null, null, model, messages, prompt,
            Optional.empty(), Optional.of(n.path("endpoint").asText()));
      } else {
        call = new ModelCall(ModelApi.valueOf(n.path("api").asText()),
            ModelEndpoint.withoutUserInfo(URI.create(n.path("baseUri").asText())), model, messages, prompt, Optional.empty(), Optional.empty());
      }
      String cls = n.path("timeoutClass").asText("");
      return new Interaction(n.path("conversation").asText(), call, cls.isEmpty() ? Optional.empty() : Optional.of(cls));
    } catch (Exception e) {
      String shown = payload.length() > 200 ? payload.substring(0, 200) + "..." : payload;
      String message = "interaction payload is not usable (" + e.getMessage() + "): " + shown;
      // no cause attached: its message may hold a URL's credentials, which this one masks
      throw new InvalidInteractionException(message.replaceAll("://[^/\\s\"@]*@", "://***@"), null);
    }
  }
}
