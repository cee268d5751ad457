package dev.warden.workers.llm;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One model call: where, which model, and what to send. For {@link ModelApi#OLLAMA_GENERATE} the
 * prompt is used; for the chat APIs the messages (a prompt alone becomes one user message).
 */
public record ModelCall(ModelApi api, URI baseUri, String model, List<ChatMessage> messages, String prompt,
    Optional<String> apiKey) {

  public ModelCall {
    messages = List.copyOf(messages);
    prompt = prompt == null ? "" : prompt;
  }

  public static ModelCall chat(ModelApi api, URI baseUri, String model, List<ChatMessage> messages) {
    return new ModelCall(api, baseUri, model, messages, "", Optional.empty());
  }

  public static ModelCall generate(URI baseUri, String model, String prompt) {
    return new ModelCall(ModelApi.OLLAMA_GENERATE, baseUri, model, List.of(), prompt, Optional.empty());
  }

  public URI uri() {
    String base = baseUri.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + api.path());
  }

  List<ChatMessage> chatMessages() {
    return messages.isEmpty() && !prompt.isEmpty() ? List.of(new ChatMessage("user", prompt)) : messages;
  }
}
