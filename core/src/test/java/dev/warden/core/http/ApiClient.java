package dev.warden.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client of a node's HTTP API over real HTTP (the JDK's client), answers parsed as JSON (other
 * formats as a JSON string). Shared with the other modules through core's test-jar.
 */
public final class ApiClient {
  public static final ObjectMapper JSON = new ObjectMapper();

  public record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    public String error() {
      return body.path("error").asText();
    }

    public String field() {
      return body.path("field").asText();
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public ApiClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  public Reply get(String path) {
    return send(request(path).GET());
  }

  public Reply post(String path, String body) {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public Reply post(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      boolean json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
      // a body in another format (/metrics' Prometheus text) comes as a JSON string
      JsonNode body = r.body().isEmpty() ? JSON.createObjectNode() : json ? JSON.readTree(r.body()) : JSON.getNodeFactory().textNode(r.body());
      return new Reply(r.statusCode(), body, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
