package dev.warden.workers.build;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The probes {@code warden.build.healing.probes} configures. In every target {@code {drone}} is replaced by the
 * drone's id (name drones by their host names).
 */
public final class Probes {
  private Probes() {}

  /**
   * Runs {@code argv}: exit 0 PASS, 2 ERROR (the drone reports a failure, e.g. memory critical), 3 WARNING,
   * any other UNREACHABLE (the probe's path failed, e.g. ssh could not connect), slower than the timeout
   * TIMEOUT (the process is killed).
   */
  public static DroneProbe command(String name, List<String> argv) {
    List<String> template = List.copyOf(argv);
    return new DroneProbe() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ProbeOutcome probe(String droneId, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(template.stream().map(a -> a.replace("{drone}", droneId)).toList())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null")))
            .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          return ProbeOutcome.TIMEOUT;
        }
        return switch (p.exitValue()) {
          case 0 -> ProbeOutcome.PASS;
          case 2 -> ProbeOutcome.ERROR;
          case 3 -> ProbeOutcome.WARNING;
          default -> ProbeOutcome.UNREACHABLE;
        };
      }
    };
  }

  /** Connects to {@code host:port}: PASS when it accepts, TIMEOUT when slower than the timeout, else UNREACHABLE. */
  public static DroneProbe tcp(String name, String host, int port) {
    return new DroneProbe() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ProbeOutcome probe(String droneId, Duration timeout) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(host.replace("{drone}", droneId), port), (int) Math.max(1, timeout.toMillis()));
          return ProbeOutcome.PASS;
        } catch (java.net.SocketTimeoutException e) {
          return ProbeOutcome.TIMEOUT;
        } catch (java.io.IOException e) {
          return ProbeOutcome.UNREACHABLE;
        }
      }
    };
  }

  /**
   * GETs {@code url}: 2xx PASS, 503 ERROR (the drone says it is unwell), any other status or no connection
   * UNREACHABLE, no answer within the timeout TIMEOUT.
   */
  public static DroneProbe http(String name, String url) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return new DroneProbe() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public ProbeOutcome probe(String droneId, Duration timeout) throws InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url.replace("{drone}", droneId))).timeout(timeout).GET().build();
        try {
          int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
          return status / 100 == 2 ? ProbeOutcome.PASS : status == 503 ? ProbeOutcome.ERROR : ProbeOutcome.UNREACHABLE;
        } catch (java.net.http.HttpTimeoutException e) {
          return ProbeOutcome.TIMEOUT;
        } catch (java.io.IOException e) {
          return ProbeOutcome.UNREACHABLE;
        }
      }
    };
  }
}
