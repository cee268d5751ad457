package dev.warden.workers.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.JMX;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build kind on a real node: the drone protocol and the operators' routes over HTTP on 127.0.0.1. */
class BuildKindTest {
  @TempDir Path dir;
  private Warden warden;
  private DroneClient operator;

  private String start(String conf, BuildKind kind) {
    warden = Warden.start(ConfigFactory.parseString("warden.node-name = builds\nwarden.data-dir = \"" + dir.resolve("data") + "\"\n"
        + "warden.jmx.enabled = off\nwarden.http { enabled = on, generate-token = off, port = 0 }\nwarden.build.service.tick-interval = 100ms\n" + conf), kind);
    String url = warden.httpUrl().orElseThrow();
    operator = new DroneClient(url, "operator", null);
    return url;
  }

  @AfterEach
  void stop() {
    if (warden != null) {
      warden.close();
    }
  }

  private void submit(String... ids) {
    for (String id : ids) {
      assertThat(operator.post("/api/v1/builds/packages", "{\"id\":\"" + id + "\"}").body().path("done").asBoolean()).isTrue();
    }
  }

  private static DroneClient registered(String url, String id) {
    DroneClient d = new DroneClient(url, id, null);
    assertThat(d.register("{\"cores\":4,\"machine\":\"vm\"}").status()).isEqualTo(200);
    return d;
  }

  private JsonNode pkg(String id) {
    return operator.get("/api/v1/builds/packages/" + id).body();
  }

  @Test
  void aStaleReportOverHttpIsAnsweredStopWorkWithReassignedToAndChangesNothing() {
    String url = start("", BuildKind.create());
    submit("p1");
    DroneClient d1 = registered(url, "d1");
    DroneClient d2 = registered(url, "d2");
    JsonNode first = d1.lease(1).path("leases").get(0);
    assertThat(first.path("package").asText()).isEqualTo("p1");
    assertThat(first.path("epoch").asInt()).isEqualTo(1);
    // d1 restarts and has lost it: its re-registration without p1 reclaims it; d2 gets attempt 2
    assertThat(d1.register("{\"cores\":4,\"machine\":\"vm\",\"holding\":[]}").status()).isEqualTo(200);
    assertThat(d2.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(2);

    DroneClient.Reply stale = d1.report("p1", 1, "success", "sha256:aa");
    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body().path("accepted").asBoolean()).isFalse();
    assertThat(stale.body().path("stale").asBoolean()).isTrue();
    assertThat(stale.body().path("action").asText()).isEqualTo("stop_work");
    assertThat(stale.body().path("reassigned_to").asText()).isEqualTo("d2");
    assertThat(pkg("p1").path("status").asText()).isEqualTo("LEASED");
    assertThat(pkg("p1").path("holder").asText()).isEqualTo("d2");

    DroneClient.Reply ok = d2.report("p1", 2, "success", "sha256:bb");
    assertThat(ok.body().path("accepted").asBoolean()).isTrue();
    assertThat(ok.body().path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(d2.report("p1", 2, "success", "sha256:bb").body().path("duplicate").asBoolean()).as("a retried report").isTrue();
    assertThat(operator.get("/api/v1/builds").body().path("stale_reports").asInt()).isEqualTo(1);
  }

  @Test
  void theMXBeanShowsQueueLeasesAndTheAssignedNotStartedAgesOverJmx() throws Exception {
    String url = start("warden.jmx.enabled = on\n", BuildKind.create());
    submit("p1", "p2");
    DroneClient d1 = registered(url, "d1");
    JsonNode l = d1.lease(1).path("leases").get(0);
    d1.heartbeat("{\"queue\":[{\"package\":\"" + l.path("package").asText() + "\",\"epoch\":1}]}");
    BuildMXBean jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
        new ObjectName("dev.warden:node=" + ObjectName.quote(warden.jmxNode()) + ",type=build"), BuildMXBean.class);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(jmx.getDrones()).isEqualTo(1);
      assertThat(jmx.getQueued()).isEqualTo(1);
      assertThat(jmx.getLeased()).isEqualTo(1);
      assertThat(jmx.getNotStartedAgeHistogram()).containsEntry("<1m", 1L);
      assertThat(jmx.getQueueAgeSecondsByDrone()).containsKey("d1");
      assertThat(jmx.isNotStartedAlarm()).isFalse();
    });
  }

  @Test
  void aSuccessWhoseArtifactFailsTheHostsValidatorIsRecordedMissingBinaryNotSuccess() {
    String url = start("", BuildKind.create().withValidator((p, digest) ->
        "sha256:good".equals(digest) ? ArtifactCheck.VALID : ArtifactCheck.DIGEST_MISMATCH));
    submit("p1");
    DroneClient d1 = registered(url, "d1");
    int epoch = d1.lease(1).path("leases").get(0).path("epoch").asInt();
    JsonNode a = d1.report("p1", epoch, "success", "sha256:bad").body();
    assertThat(a.path("accepted").asBoolean()).isTrue();
    assertThat(a.path("recorded").asText()).isEqualTo("MISSING_BINARY");
    assertThat(a.path("status").asText()).isEqualTo("QUEUED");
    assertThat(pkg("p1").path("failures").asInt()).isEqualTo(1);

    int again = d1.lease(1).path("leases").get(0).path("epoch").asInt();
    assertThat(d1.report("p1", again, "success", "sha256:good").body().path("recorded").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void theReleaseGateRefusesUnvalidatedPackagesAndAnOverrideSaysWhoAndWhySurvivingARestart() {
    String url = start("", BuildKind.create());
    submit("p1", "p2");
    DroneClient d1 = registered(url, "d1");
    JsonNode lease = d1.lease(1).path("leases").get(0);
    d1.report(lease.path("package").asText(), lease.path("epoch").asInt(), "success", "sha256:aa");
    assertThat(operator.post("/api/v1/builds/releases", "{\"name\":\"r1\",\"packages\":[\"p1\",\"p2\"]}").body().path("done").asBoolean()).isTrue();

    JsonNode refused = operator.post("/api/v1/builds/releases/r1/promote", "{}").body();
    assertThat(refused.path("promoted").asBoolean()).isFalse();
    assertThat(refused.path("not_ready")).hasSize(1);
    assertThat(operator.post("/api/v1/builds/releases/r1/promote", "{\"by\":\"alice\"}").status()).as("an override names why too").isEqualTo(400);

    JsonNode forced = operator.post("/api/v1/builds/releases/r1/promote", "{\"by\":\"alice\",\"why\":\"hotfix, p2 is docs only\"}").body();
    assertThat(forced.path("promoted").asBoolean()).isTrue();
    assertThat(forced.path("overridden").asBoolean()).isTrue();

    warden.close();
    start("", BuildKind.create());
    JsonNode after = operator.post("/api/v1/builds/releases/r1/promote", "{}").body();
    assertThat(after.path("promoted").asBoolean()).as("journaled: %s", after).isTrue();
    assertThat(after.path("overridden").asBoolean()).isTrue();
    assertThat(after.path("reason").asText()).startsWith("promoted already");
  }

  @Test
  void aPackageFailingMaxFailuresTimesIsBlockedUntilAnOperatorRetriesIt() {
    String url = start("warden.build.leases.max-failures = 2\n", BuildKind.create());
    submit("p1");
    DroneClient d1 = registered(url, "d1");
    for (int i = 0; i < 2; i++) {
      int epoch = d1.lease(1).path("leases").get(0).path("epoch").asInt();
      d1.report("p1", epoch, "failure", null);
    }
    assertThat(pkg("p1").path("status").asText()).isEqualTo("BLOCKED");
    assertThat(d1.lease(1).path("leases")).isEmpty();
    assertThat(operator.post("/api/v1/builds/packages/p2/retry", "{\"by\":\"alice\"}").body().path("done").asBoolean()).isFalse();
    assertThat(operator.post("/api/v1/builds/packages/p1/retry", "{\"by\":\"alice\"}").body().path("done").asBoolean()).isTrue();
    assertThat(pkg("p1").path("status").asText()).isEqualTo("QUEUED");
    assertThat(d1.lease(1).path("leases").get(0).path("epoch").asInt()).isEqualTo(3);
  }

  @Test
  void aFailingProbeIsNotEscalatedWhileTheHeartbeatIsFreshButIsOnceItGoesStaleAndTheLadderCommandRuns() throws Exception {
    Path ran = dir.resolve("ladder.log");
    String url = start("warden.build.heartbeat { stale-after = 1s, offline-after = 60s }\n"
        + "warden.build.healing { probe-interval = 100ms, probe-timeout = 100ms, failures = 2, window = 0s\n"
        + "  probes = [ { name = ssh, type = command, command = [\"false\"] } ]\n"
        + "  ladder.restart-service.command = [\"sh\", \"-c\", \"echo {drone} >> " + ran + "\"] }\n", BuildKind.create());
    DroneClient d1 = registered(url, "d1");
    ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
    try {
      beats.scheduleWithFixedDelay(() -> d1.heartbeat("{}"), 0, 100, TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> operator.get("/api/v1/builds").body().path("suppressed_escalations").asInt() > 0);
      // keep failing for a while longer with the heartbeat fresh: still nothing
      await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> true);
      assertThat(d1.get("/api/v1/builds/drones/d1").body().path("level").isNull()).isTrue();
      assertThat(ran).doesNotExist();
    } finally {
      beats.shutdownNow();
    }
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(d1.get("/api/v1/builds/drones/d1").body().path("level").asText()).isEqualTo("RESTART_SERVICE"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ran).content().isEqualTo("d1\n"));
  }

  @Test
  void withDroneTokensEachDroneMustPresentItsOwnAndABindBeyondLoopbackWithoutThemIsRefused() throws Exception {
    Path tokens = dir.resolve("drones.tokens");
    String secret = "d1-secret-token-0123456789";
    Files.writeString(tokens, "# drone tokens\nd1 " + HexFormat.of().formatHex(DroneTokens.sha256(secret)) + "\n");
    String url = start("warden.build.service.drone-tokens-file = \"" + tokens + "\"\n", BuildKind.create());
    assertThat(new DroneClient(url, "d1", null).register("{\"cores\":2}").status()).isEqualTo(401);
    assertThat(new DroneClient(url, "d1", "wrong-token-0123456789").register("{\"cores\":2}").status()).isEqualTo(401);
    assertThat(new DroneClient(url, "d2", secret).register("{\"cores\":2}").status()).as("d1's token is not d2's").isEqualTo(401);
    assertThat(new DroneClient(url, "d1", secret).register("{\"cores\":2}").status()).isEqualTo(200);
    warden.close();
    warden = null;

    Path nodeToken = Files.writeString(dir.resolve("node.token"), "node-token-0123456789abcdef\n");
    Files.setPosixFilePermissions(nodeToken, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> start("warden.http { host = \"0.0.0.0\", token-file = \"" + nodeToken + "\" }\n", BuildKind.create()))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.build.service.drone-tokens-file");
  }

  @Test
  void withoutDroneTokensTheDroneProtocolIsBehindTheNodesTokenSoNoLocalUserPosesAsADrone() throws Exception {
    String url = start("warden.http.generate-token = on\n", BuildKind.create());
    String nodeToken = Files.readAllLines(warden.httpTokenFile().orElseThrow()).get(0);
    assertThat(new DroneClient(url, "d1", null).register("{\"cores\":2}").status()).isEqualTo(401);
    assertThat(new DroneClient(url, "d1", null).get("/api/v1/builds/drones/d1").status()).isEqualTo(401);
    assertThat(new DroneClient(url, "d1", nodeToken).register("{\"cores\":2}").status()).isEqualTo(200);
    assertThat(new DroneClient(url, "operator", nodeToken).get("/api/v1/builds/drones/d1").body().path("id").asText()).isEqualTo("d1");
  }
}
