package dev.warden.persistence.journal;

import dev.warden.persistence.internal.Printable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.Option;

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

  /** An optional value (a row's metadata) serialized; null for none. */
  static Payload ofOptional(Serialization serialization, Option<Object> value) {
    return value.isDefined() ? of(serialization, value.get()) : null;
  }

  /** Sets the parameters at the three positions to {@code p}'s columns; SQL NULLs when {@code p} is null. */
  static void bind(PreparedStatement ps, Payload p, int bytesAt, int serializerIdAt, int manifestAt) throws SQLException {
    if (p == null) {
      ps.setNull(bytesAt, Types.VARBINARY); // not BLOB: PostgreSQL's driver sends that as an oid, which bytea refuses
      ps.setNull(serializerIdAt, Types.INTEGER);
      ps.setNull(manifestAt, Types.VARCHAR);
    } else {
      ps.setBytes(bytesAt, p.bytes);
      ps.setInt(serializerIdAt, p.serializerId);
      ps.setString(manifestAt, p.manifest);
    }
  }

  /**
   * The object stored in the row's three columns, null when its bytes column is NULL; {@code where}
   * names the row in the error if it does not deserialize.
   */
  static Object read(Serialization serialization, ResultSet rs, int bytesAt, int serializerIdAt, int manifestAt, String where)
      throws SQLException {
    byte[] bytes = rs.getBytes(bytesAt);
    if (bytes == null) {
      return null;
    }
    int serializerId = rs.getInt(serializerIdAt);
    String manifest = rs.getString(manifestAt);
    try {
      return serialization.deserialize(bytes, serializerId, manifest == null ? "" : manifest).get();
    } catch (Exception e) { // Try.get() rethrows checked exceptions undeclared
      // A damaged row's manifest and whatever a serializer decoded from its bytes (a codec naming
      // the job id it read) end up in logs: escaped and bounded, never raw bytes in a log line.
      throw new IllegalStateException(
          where + " (serializer " + serializerId + ", manifest [" + Printable.of(manifest, 100) + "]) does not deserialize: "
              + Printable.describe(e),
          Printable.scrubbed(e));
    }
  }
}
