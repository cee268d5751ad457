package host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenSerializable;
import dev.warden.persistence.ledger.JobLedger;
import dev.warden.persistence.ledger.JobPolicy;
import dev.warden.persistence.ledger.JobType;
import dev.warden.persistence.ledger.LedgerKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A host with its own current Jackson and Logback embeds Warden and runs a job. */
class HostEmbedsWardenTest {

  /** A message of the host's, serialized by Warden's Jackson binding. */
  public record Note(String text, Instant at) implements WardenSerializable {}

  @Test
  void wardenRunsAJobAndSerializesBesideTheHostsOwnJacksonAndLogback(@TempDir Path dir) throws Exception {
    // Maven resolved the host's versions, not Warden's: this run is the mix a host really gets.
    assertEquals(System.getProperty("host.jackson.version"), PackageVersion.VERSION.toString());
    assertTrue(LoggerFactory.getILoggerFactory() instanceof LoggerContext, "the host's Logback is the SLF4J backend");

    // The host's own mapper, set up the way JobRunr and Spring do: every module on the classpath.
    ObjectMapper hostMapper = new ObjectMapper().findAndRegisterModules();
    assertEquals("{\"at\":\"2026-12-06T00:00:00Z\"}",
        hostMapper.disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .writeValueAsString(Map.of("at", Instant.parse("2026-12-06T00:00:00Z"))));

    String conf = "warden.node-name = host\nwarden.data-dir = \"" + dir.toString().replace("\\", "/") + "\"";
    try (Warden warden = Warden.start(ConfigFactory.parseString(conf), LedgerKind.create())) {
      JobLedger jobs = JobLedger.of(warden);
      jobs.register(new JobType("shout",
          (payload, ctx) -> CompletableFuture.completedFuture(payload.toUpperCase(Locale.ROOT)), JobPolicy.defaults()));
      jobs.submit("shout", "job-1", "hello").toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertEquals("HELLO", jobs.result("job-1").toCompletableFuture().get(30, TimeUnit.SECONDS));

      // Warden's Jackson binding builds Pekko's ObjectMapper on the host's Jackson.
      Serialization serialization = SerializationExtension.get(warden.system().classicSystem());
      Note note = new Note("hello", Instant.parse("2026-12-06T00:00:00Z"));
      byte[] bytes = serialization.serialize(note).get();
      Serializer serializer = serialization.findSerializerFor(note);
      assertEquals(note,
          serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, note)).get());
    }
  }
}
