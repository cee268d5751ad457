package dev.warden.persistence.ledger.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Rows and snapshots the jackson-json binding wrote before the ledger had its codec name their
 * class as it was then, {@code dev.warden.persistence.ledger.LedgerBatch} or
 * {@code ...ledger.PartitionSnapshot}; both live in this package now. Bound to those old names
 * under {@code pekko.serialization.jackson.jackson-json.migrations} (warden-defaults.conf), so
 * Pekko's Jackson serializer reads such a row as the class of today. The JSON itself is the same.
 */
public final class MovedRowClasses extends JacksonMigration {
  private static final String WAS = "dev.warden.persistence.ledger.";
  private static final Map<String, String> MOVED = Map.of(
      WAS + "LedgerBatch", LedgerBatch.class.getName(),
      WAS + "PartitionSnapshot", PartitionSnapshot.class.getName());

  /** The class names rows written by jackson-json may carry for a ledger batch: today's and the one before the move. */
  public static boolean isLedgerBatch(String className) {
    return LedgerBatch.class.getName().equals(className) || (WAS + "LedgerBatch").equals(className);
  }

  @Override
  public int currentVersion() {
    return 2; // rows under the old names carry no version, which Pekko reads as 1: older, so they are migrated
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    return MOVED.getOrDefault(className, className);
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
