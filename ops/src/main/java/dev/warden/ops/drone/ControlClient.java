package dev.warden.ops.drone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The drone's side of the protocol: JSON over HTTP to {@code <control>/api/v1/builds/drones/<id>/...}, with the
 * drone's bearer token when it has one. Non-blocking: every call is a stage, failed for a refused
 * connection, a timeout, or an answer other than 200 ({@link Refused}).
 */
final class ControlClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The control plane answered, but not 200: {@code status} and its body. */
  static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String body) {
      super("control plane answered " + status + ": " + body);
      this.status = status;
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Optional<String> token;
  private final Duration timeout;

  ControlClient(String control, String droneId, Optional<String> token, Duration timeout) {
    this.base = control.replaceAll("/+$", "") + "/api/v1/builds/drones/" + droneId;
    this.token = token;
    this.timeout = timeout;
  }

  ObjectNode object() {
    return JSON.createObjectNode();
  }

  CompletionStage<JsonNode> post(String what, JsonNode body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/" + what)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
      if (r.statusCode() != 200) {
        return CompletableFuture.failedFuture(new Refused(r.statusCode(), r.body()));
      }
      try {
        return CompletableFuture.completedFuture(JSON.readTree(r.body()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
