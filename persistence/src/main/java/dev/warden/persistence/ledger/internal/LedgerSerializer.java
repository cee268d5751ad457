package dev.warden.persistence.ledger.internal;

import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko binding of {@link LedgerCodec} (serializer id 7201) for the ledger's journal rows,
 * snapshots and events. Rows written earlier by the jackson-json binding keep their serializer
 * id (31) in the journal and are still read by it.
 */
public final class LedgerSerializer extends SerializerWithStringManifest {
  public LedgerSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return LedgerCodec.SERIALIZER_ID;
  }

  @Override
  public String manifest(Object o) {
    try {
      return LedgerCodec.manifest(o);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public byte[] toBinary(Object o) {
    try {
      return LedgerCodec.encode(o);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return LedgerCodec.decode(bytes, manifest);
  }
}
