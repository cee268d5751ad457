package dev.warden.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenSerializable;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonJsonSerializer;
import org.junit.jupiter.api.Test;

class DeferredJacksonSerializerTest {
  public record Note(String text, int n, List<String> tags) implements WardenSerializable {}

  private final Note note = new Note("hello", 7, List.of("a", "b"));

  @Test
  void jacksonJsonKeepsItsIdFormatAndAllowListButBuildsItsMapperOnFirstUse() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "deferred", Warden.loadConfig(ConfigFactory.empty()));
    try {
      Serialization serialization = SerializationExtension.get(system);
      DeferredJacksonSerializer deferred = assertInstanceOf(DeferredJacksonSerializer.class, serialization.findSerializerFor(note));
      assertEquals(31, deferred.identifier(), "jackson-json's id, so rows it wrote before still read");
      assertNull(deferred.mapper, "no ObjectMapper built while the system started");

      byte[] bytes = serialization.serialize(note).get();
      assertNotNull(deferred.mapper);
      JacksonJsonSerializer plain = new JacksonJsonSerializer((ExtendedActorSystem) Adapter.toClassic(system), "jackson-json");
      assertArrayEquals(plain.toBinary(note), bytes, "the same bytes as Pekko's own binding");
      assertEquals(plain.manifest(note), deferred.manifest(note));
      // deserializing checks the allow-list: the class must be bound to a JacksonSerializer
      assertEquals(note, serialization.deserialize(plain.toBinary(note), 31, plain.manifest(note)).get());
    } finally {
      system.terminate();
    }
  }

  @Test
  void jacksonCborStaysCbor() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "deferred-cbor", Warden.loadConfig(ConfigFactory.parseString(
        "pekko.actor.serialization-bindings { \"" + Note.class.getName() + "\" = jackson-cbor }\n")));
    try {
      Serialization serialization = SerializationExtension.get(system);
      DeferredJacksonSerializer deferred = assertInstanceOf(DeferredJacksonSerializer.class, serialization.findSerializerFor(note));
      assertEquals(33, deferred.identifier());
      JacksonCborSerializer plain = new JacksonCborSerializer((ExtendedActorSystem) Adapter.toClassic(system), "jackson-cbor");
      assertArrayEquals(plain.toBinary(note), deferred.toBinary(note));
      assertEquals(note, serialization.deserialize(plain.toBinary(note), 33, plain.manifest(note)).get());
    } finally {
      system.terminate();
    }
  }

  @Test
  void aDeferredBindingWithoutAFormatFailsAtStartNamingTheKey() {
    var config = Warden.loadConfig(ConfigFactory.parseString(
        "pekko.actor.serializers.mine = \"dev.warden.core.internal.DeferredJacksonSerializer\"\n"
            + "pekko.actor.serialization-identifiers.mine = 7999\n"
            + "pekko.actor.serialization-bindings { \"" + Note.class.getName() + "\" = mine }\n"));
    Throwable e = assertThrows(Throwable.class, () -> {
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "deferred-missing", config);
      system.terminate();
    });
    String all = "";
    for (Throwable t = e; t != null; t = t.getCause()) {
      all += t + "\n";
    }
    assertTrue(all.contains("warden.serialization.deferred-jackson.mine must be json or cbor"), all);
  }
}
