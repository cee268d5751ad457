package dev.warden.persistence.journal;

import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * An object as a journal or snapshot row stores it, in the columns Pekko Persistence JDBC uses:
 * the serializer's id, its manifest and the bytes. Rows either plugin wrote read back in the other.
 */
record Payload(int serializerId, String manifest, byte[] bytes) {
  static Payload of(Serialization serialization, Object value) {
    Serializer serializer = serialization.findSerializerFor(value);
    // serialize(), not serializer.toBinary: it sets the transport information serializers of
    // actor references need.
    byte[] bytes = serialization.serialize(value).get();
    return new Payload(serializer.identifier(), Serializers.manifestFor(serializer, value), bytes);
  }

  /** The object again; {@code where} names the row in the error if it does not deserialize. */
  static Object read(Serialization serialization, int serializerId, String manifest, byte[] bytes, String where) {
    try {
      return serialization.deserialize(bytes, serializerId, manifest == null ? "" : manifest).get();
    } catch (Exception e) { // Try.get() rethrows checked exceptions undeclared
      throw new IllegalStateException(where + " (serializer " + serializerId + ", manifest [" + manifest + "]) does not deserialize: " + e, e);
    }
  }

}
