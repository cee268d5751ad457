package dev.warden.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.util.Optional;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.apache.pekko.serialization.jackson.JacksonSerializer;

/**
 * Pekko's Jackson serializer with its ObjectMapper built on first use. Pekko creates every
 * configured serializer while the ActorSystem starts, and its Jackson bindings build their
 * ObjectMapper (Jackson's classes, modules, the Scala module) right then: on a cold JVM a large
 * share of a node's start, even when nothing is (de)serialized with Jackson yet. This class is the
 * same {@link JacksonSerializer} (same binding name, id, manifests, compression and allow-list,
 * which trusts classes bound to any JacksonSerializer); only {@link #objectMapper()} is lazy, and
 * it comes from the same {@link JacksonObjectMapperProvider} as Pekko's own. Format per binding in
 * {@code warden.serialization.deferred-jackson}: {@code json} or {@code cbor}.
 */
public final class DeferredJacksonSerializer extends JacksonSerializer {
  private final boolean cbor;
  /** Null until first use; package-private for the test. */
  volatile ObjectMapper mapper;

  public DeferredJacksonSerializer(ExtendedActorSystem system, String binding) {
    super(system, binding, null);
    String key = "warden.serialization.deferred-jackson.\"" + binding + "\"";
    String format = system.settings().config().hasPath(key) ? system.settings().config().getString(key) : "";
    if (!format.equals("json") && !format.equals("cbor")) {
      throw new IllegalArgumentException(
          "warden.serialization.deferred-jackson." + binding + " must be json or cbor, but was [" + format + "]");
    }
    this.cbor = format.equals("cbor");
  }

  @Override
  public ObjectMapper objectMapper() {
    ObjectMapper m = mapper;
    if (m == null) {
      synchronized (this) {
        m = mapper;
        if (m == null) {
          Optional<JsonFactory> factory = cbor ? Optional.of(new CBORFactory()) : Optional.empty();
          m = JacksonObjectMapperProvider.get(system()).getOrCreate(bindingName(), factory);
          mapper = m;
        }
      }
    }
    return m;
  }
}
