package dev.warden.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** One JSON POST that must answer 200, for the demo's and the benches' drone-protocol clients. */
public final class JsonPost {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonPost() {}

  /** POSTs {@code body} to {@code url} and reads the answer; anything but 200, or no answer in {@code timeout}, throws. */
  public static JsonNode post(HttpClient http, String url, String body, Duration timeout) {
    return post(http, url, body, timeout, Optional.empty());
  }

  /** As {@link #post(HttpClient, String, String, Duration)}, with {@code Authorization: Bearer <token>} when given. */
  public static JsonNode post(HttpClient http, String url, String body, Duration timeout, Optional<String> token) {
    try {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
      token.ifPresent(t -> req.header("Authorization", "Bearer " + t));
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
