package dev.warden.workers.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Parses one line of a streamed model response into a text fragment and a done flag. Throws
 * {@link ModelCallException} naming the line number on malformed input or a server-side error.
 */
abstract class StreamParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What a quoted text's {@code secret} becomes. */
  static final String REDACTED = "***";
  private static final int SNIPPET_CHARS = 120;

  /** The call's API key (null for none): never quoted, even when a server echoes it back. */
  private final String secret;

  StreamParser(String secret) {
    this.secret = secret;
  }

  /** What one line contributed. {@code fragment} may be empty. */
  record Step(String fragment, boolean done, boolean chunk) {
    static final Step NOTHING = new Step("", false, false);
  }

  abstract Step parse(String line, long lineNo);

  /**
   * Whether a stream that ends without its final done line still finished: true once the server
   * said so in a chunk of its own (an OpenAI-compatible {@code finish_reason}); some servers then
   * close the stream without the {@code [DONE]} marker.
   */
  boolean finishedAtEnd() {
    return false;
  }

  /** The parser of {@code api}'s responses; {@code secret} (null for none) is never quoted in a failure. */
  static StreamParser forApi(ModelApi api, String secret) {
    switch (api) {
      case OLLAMA_CHAT:
        return new Ndjson("message", secret);
      case OLLAMA_GENERATE:
        return new Ndjson(null, secret);
      case OPENAI_CHAT:
        return new Sse(secret);
      default:
        throw new IllegalArgumentException("no parser for " + api);
    }
  }

  JsonNode read(String json, long lineNo) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
          "malformed JSON at response line " + lineNo + ": " + quote(json) + " (" + e.getOriginalMessage() + ")");
    }
  }

  /** {@code s} as a failure may quote it: see {@link #snippet(String, String)}. */
  String quote(String s) {
    return snippet(s, secret);
  }

  /**
   * The start of {@code s}, a server's text, for a failure's message: {@code secret} (null for
   * none) replaced first (a server may echo the request's key, and a cut must not leave part of
   * it), runs of white space made one space, control characters escaped (no forged log lines nor
   * terminal escapes), at most 120 characters.
   */
  static String snippet(String s, String secret) {
    String clean = secret == null || secret.isEmpty() ? s : s.replace(secret, REDACTED);
    String one = printable(clean.replaceAll("\\s+", " "));
    return one.length() <= SNIPPET_CHARS ? one : one.substring(0, SNIPPET_CHARS) + "...";
  }

  /** {@code s} with control characters (and Unicode line separators) written as {@code \\uXXXX}. */
  static String printable(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
      if (control && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (control) {
          b.append(String.format("\\u%04x", (int) c));
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * The text of a {@code content} (or {@code response}) field: empty when missing or null; a
   * number, object or array there is a malformed answer, not text (it was read as "" or as its
   * digits, and a null as the word "null").
   */
  String text(JsonNode content, String field, String line, long lineNo) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (!content.isTextual()) {
      throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
          "response line " + lineNo + ": " + field + " is not a string but " + content.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
              + ": " + quote(line));
    }
    return content.textValue();
  }

  /** Ollama NDJSON: {"message":{"content":"..."},"done":false} or {"response":"...","done":false}. */
  static final class Ndjson extends StreamParser {
    private final String container;

    Ndjson(String container, String secret) {
      super(secret);
      this.container = container;
    }

    @Override
    Step parse(String line, long lineNo) {
      if (line.isBlank()) {
        return Step.NOTHING;
      }
      JsonNode node = read(line, lineNo);
      if (!node.isObject()) {
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
            "expected a JSON object at response line " + lineNo + ": " + quote(line));
      }
      if (node.hasNonNull("error")) {
        throw new ModelCallException(ModelCallException.Kind.MODEL_ERROR,
            "model server error at response line " + lineNo + ": " + quote(node.get("error").asText()));
      }
      JsonNode text = container == null ? node.get("response") : node.path(container).get("content");
      boolean done = node.path("done").asBoolean(false);
      if (text == null && !done) {
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
            "response line " + lineNo + " has no " + (container == null ? "response" : container + ".content")
                + ": " + quote(line));
      }
      return new Step(text(text, container == null ? "response" : container + ".content", line, lineNo), done, true);
    }
  }

  /**
   * OpenAI server-sent events: "data: {choices:[{delta:{content}}]}" lines, then "data: [DONE]".
   * Comments, event/id/retry fields and chunks without choices (a usage chunk) carry no text. A
   * server that ignores {@code "stream": true} and answers with one plain JSON completion is read
   * too.
   */
  static final class Sse extends StreamParser {
    private boolean finished;

    Sse(String secret) {
      super(secret);
    }

    @Override
    boolean finishedAtEnd() {
      return finished;
    }

    @Override
    Step parse(String line, long lineNo) {
      if (line.isBlank() || line.startsWith(":") || line.startsWith("event:") || line.startsWith("id:")
          || line.startsWith("retry:")) {
        return Step.NOTHING;
      }
      if (line.startsWith("{")) {
        return unstreamed(line, lineNo);
      }
      if (!line.startsWith("data:")) {
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
            "expected an SSE data line at response line " + lineNo + ": " + quote(line));
      }
      String data = line.substring(5).trim();
      if (data.equals("[DONE]")) {
        return new Step("", true, true);
      }
      JsonNode node = read(data, lineNo);
      rejectError(node, lineNo);
      JsonNode choices = node.get("choices");
      if (choices == null || !choices.isArray()) {
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
            "response line " + lineNo + " has no choices: " + quote(data));
      }
      JsonNode first = choices.path(0);
      if (!first.isMissingNode() && !first.isObject()) {
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
            "response line " + lineNo + ": choices[0] is not an object: " + quote(data));
      }
      if (first.hasNonNull("finish_reason")) {
        finished = true;
      }
      return new Step(text(first.path("delta").get("content"), "choices[0].delta.content", data, lineNo), false, true);
    }

    /** A whole completion as one JSON object: {"choices":[{"message":{"content":"..."}}]}. */
    private Step unstreamed(String line, long lineNo) {
      JsonNode node = read(line, lineNo);
      rejectError(node, lineNo);
      JsonNode message = node.path("choices").path(0).path("message");
      if (!message.isObject()) {
        throw new ModelCallException(ModelCallException.Kind.MALFORMED_RESPONSE,
            "expected an SSE data line or a completion with choices[0].message at response line " + lineNo + ": " + quote(line));
      }
      return new Step(text(message.get("content"), "choices[0].message.content", line, lineNo), true, true);
    }

    /** An OpenAI error object in a chunk or a completion fails the call with it. */
    private void rejectError(JsonNode node, long lineNo) {
      if (node.hasNonNull("error")) {
        throw new ModelCallException(ModelCallException.Kind.MODEL_ERROR,
            "model server error at response line " + lineNo + ": " + quote(node.get("error").toString()));
      }
    }
  }
}
