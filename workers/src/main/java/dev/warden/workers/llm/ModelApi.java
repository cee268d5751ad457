package dev.warden.workers.llm;

/** The wire protocols Warden speaks to model servers. */
public enum ModelApi {
  /** Ollama {@code POST /api/chat}, streamed NDJSON: one JSON object per line, the last with {@code "done": true}. */
  OLLAMA_CHAT("/api/chat"),
  /** Ollama {@code POST /api/generate}, streamed NDJSON with {@code "response"} fragments. */
  OLLAMA_GENERATE("/api/generate"),
  /** OpenAI-compatible {@code POST /v1/chat/completions}, streamed as server-sent events ending in {@code [DONE]}. */
  OPENAI_CHAT("/v1/chat/completions");

  private final String path;

  ModelApi(String path) {
    this.path = path;
  }

  public String path() {
    return path;
  }
}
