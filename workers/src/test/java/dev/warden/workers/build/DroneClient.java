package dev.warden.workers.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A drone speaking the protocol over real HTTP, as a test's hands (status and JSON body of every answer). */
final class DroneClient {
  static final ObjectMapper JSON = new ObjectMapper();

  record Reply(int status, JsonNode body) {}

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String id;
  private final String token;

  DroneClient(String base, String id, String token) {
    this.base = base;
    this.id = id;
    this.token = token;
  }

  Reply register(String body) {
    return post("/api/v1/builds/drones/" + id + "/register", body);
  }

  Reply heartbeat(String body) {
    return post("/api/v1/builds/drones/" + id + "/heartbeat", body);
  }

  JsonNode lease(int wanted) {
    Reply r = post("/api/v1/builds/drones/" + id + "/lease", "{\"wanted\":" + wanted + "}");
    if (r.status() != 200) {
      throw new IllegalStateException("lease answered " + r);
    }
    return r.body();
  }

  Reply report(String pkg, int epoch, String outcome, String digest) {
    return post("/api/v1/builds/drones/" + id + "/report", "{\"package\":\"" + pkg + "\",\"epoch\":" + epoch + ",\"outcome\":\"" + outcome
        + "\"" + (digest == null ? "" : ",\"digest\":\"" + digest + "\"") + "}");
  }

  Reply post(String path, String body) {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply get(String path) {
    return send(request(path).GET());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
