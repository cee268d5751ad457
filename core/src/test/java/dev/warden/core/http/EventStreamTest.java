package dev.warden.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's live feed over real HTTP: a snapshot event first, and a bounded number of streams. */
class EventStreamTest {
  @TempDir Path data;

  @Test
  void aStreamStartsWithASnapshotAndOneMoreThanTheLimitIsRefusedUntilOneCloses() throws Exception {
    try (Warden warden = Warden.start(
        ConfigFactory.parseString(
            "warden.node-name = feed\nwarden.data-dir = \"" + data.toString().replace("\\", "/") + "\"\n"
                + "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = 0, max-event-streams = 2, events-heartbeat = 100ms }\n"),
        TestKinds.pausable("steady"))) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpRequest events = HttpRequest.newBuilder(URI.create(warden.httpUrl().orElseThrow() + "/api/v1/events"))
          .timeout(Duration.ofSeconds(10)).build();

      HttpResponse<InputStream> first = client.send(events, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
      Map<String, String> event = firstEvent(first.body());
      assertThat(event).containsEntry("event", "snapshot");
      assertThat(event.get("data")).startsWith("{").contains("\"nodes\"").contains("/warden/steady");

      HttpResponse<InputStream> second = client.send(events, HttpResponse.BodyHandlers.ofInputStream());
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(firstEvent(second.body())).containsEntry("event", "snapshot");

      HttpResponse<String> third = client.send(events, HttpResponse.BodyHandlers.ofString());
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(third.body()).contains("warden.http.max-event-streams");

      second.body().close(); // a page closed: noticed at the next write (a heartbeat at the latest), its place freed
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        HttpResponse<InputStream> again = client.send(events, HttpResponse.BodyHandlers.ofInputStream());
        again.body().close();
        return again.statusCode() == 200;
      });
      first.body().close();
    }
  }

  /** The fields of the stream's first event: its lines up to the first blank one, as {@code field: value}. */
  private static Map<String, String> firstEvent(InputStream body) throws Exception {
    BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    Map<String, String> fields = new HashMap<>();
    for (String line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine()) {
      int colon = line.indexOf(':');
      fields.put(line.substring(0, colon), line.substring(colon + 1).stripLeading());
    }
    return fields;
  }
}
