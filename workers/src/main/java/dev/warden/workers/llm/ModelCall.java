package dev.warden.workers.llm;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One model call: where, which model, and what to send. For {@link ModelApi#OLLAMA_GENERATE} the
 * prompt is used; for the chat APIs the messages (a prompt alone becomes one user message).
 *
 * <p>Where is either a named endpoint of {@code warden.llm.endpoints} ({@link #chat(String, String, List)}),
 * whose config gives the URL, the protocol and the API key, or an inline URL without credentials
 * ({@link #chat(ModelApi, URI, String, List)}). For an endpoint call {@code api} and {@code baseUri}
 * are null until the endpoint resolves them, except that a generate call has {@code api}
 * {@link ModelApi#OLLAMA_GENERATE}. An inline {@code apiKey} is for {@link ModelClient} used on its
 * own: {@link Llm#submit} refuses it, because it is never journaled and a retry or a restart would
 * call without it. {@link #toString()} never shows the key nor a URL's user-info.
 */
public record ModelCall(ModelApi api, URI baseUri, String model, List<ChatMessage> messages, String prompt,
    Optional<String> apiKey, Optional<String> endpoint) {

  public ModelCall {
    messages = List.copyOf(messages);
    prompt = prompt == null ? "" : prompt;
    apiKey = apiKey == null ? Optional.empty() : apiKey;
    endpoint = endpoint == null ? Optional.empty() : endpoint;
  }

  /** A chat call to an inline URL (no credentials in it: a key needs a named endpoint). */
  public static ModelCall chat(ModelApi api, URI baseUri, String model, List<ChatMessage> messages) {
    return new ModelCall(api, baseUri, model, messages, "", Optional.empty(), Optional.empty());
  }

  public static ModelCall generate(URI baseUri, String model, String prompt) {
    return new ModelCall(ModelApi.OLLAMA_GENERATE, baseUri, model, List.of(), prompt, Optional.empty(), Optional.empty());
  }

  /** A chat call to the endpoint named {@code endpoint} under {@code warden.llm.endpoints}. */
  public static ModelCall chat(String endpoint, String model, List<ChatMessage> messages) {
    return new ModelCall(null, null, model, messages, "", Optional.empty(), Optional.of(endpoint));
  }

  /** A generate call to the (ollama) endpoint named {@code endpoint} under {@code warden.llm.endpoints}. */
  public static ModelCall generate(String endpoint, String model, String prompt) {
    return new ModelCall(ModelApi.OLLAMA_GENERATE, null, model, List.of(), prompt, Optional.empty(), Optional.of(endpoint));
  }

  /** This call with an inline API key, for {@link ModelClient} used directly; {@link Llm#submit} refuses it. */
  public ModelCall withApiKey(String key) {
    return new ModelCall(api, baseUri, model, messages, prompt, Optional.of(key), endpoint);
  }

  /** This endpoint call made concrete: the endpoint's URL and API, and its key as read now. */
  ModelCall resolve(ModelEndpoint e) {
    ModelApi a = e.apiFor(api == ModelApi.OLLAMA_GENERATE);
    return new ModelCall(a, e.url(), model, messages, prompt, e.apiKey(), endpoint);
  }

  /** The request URL (without user-info, which is never sent). */
  public URI uri() {
    String base = ModelEndpoint.withoutUserInfo(baseUri).toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + api.path());
  }

  /** Where the call goes, for messages: the endpoint's name and URL, or the URL without credentials. */
  String where() {
    String url = baseUri == null ? "" : ModelEndpoint.redacted(uri());
    return endpoint.map(e -> "endpoint " + e + (url.isEmpty() ? "" : " (" + url + ")")).orElse(url);
  }

  List<ChatMessage> chatMessages() {
    return messages.isEmpty() && !prompt.isEmpty() ? List.of(new ChatMessage("user", prompt)) : messages;
  }

  /** Never the key, never a URL's user-info. */
  @Override
  public String toString() {
    return "ModelCall[" + (api == null ? "chat" : api) + " " + where() + ", model=" + model + ", messages=" + messages.size()
        + (prompt.isEmpty() ? "" : ", prompt=" + prompt.length() + " chars") + (apiKey.isPresent() ? ", apiKey=***" : "") + "]";
  }
}
