package dev.warden.persistence.ledger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.persistence.ledger.internal.LedgerBatch;
import dev.warden.persistence.ledger.internal.LedgerCodec;
import dev.warden.persistence.ledger.internal.MovedRowClasses;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * The ledger's events as they are on disk: every {@link LedgerBatch} row of every
 * {@code ledger-<n>} partition in the H2 journal of a stopped node, read with plain JDBC and decoded
 * by the serializer id stored in each row: {@link LedgerCodec} (the node's own binding), or Jackson
 * for rows the earlier jackson-json binding wrote (JSON, gzipped above 32 KiB). Reading
 * the journal itself, not a node's in-memory history, is what shows what a crash left behind
 * (the crash tests and {@code warden bench recovery} count completions with it).
 *
 * <p>A tool for Warden's own tests and benchmarks, not an API for hosts: the journal format is
 * internal and may change. Hosts read job state through {@link JobLedger}, JMX
 * ({@code dev.warden:node=<node>,type=Ledger}) or the node's HTTP API.
 */
public final class LedgerJournal {
  /** Pekko's id of the jackson-json serializer, which wrote the ledger's rows before {@link LedgerCodec}. */
  private static final int JACKSON_JSON = 31;
  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final List<JobEvent> events;

  private LedgerJournal(List<JobEvent> events) {
    this.events = events;
  }

  /** Reads the journal of the node whose {@code warden.data-dir} is {@code dataDir}; the node must have stopped. */
  public static LedgerJournal read(Path dataDir) throws SQLException {
    return read("jdbc:h2:file:" + dataDir.toAbsolutePath() + "/warden;WRITE_DELAY=0", "sa", "");
  }

  /** Reads the ledger's rows from the database at {@code url} (a shared cluster journal may be read while its nodes run). */
  public static LedgerJournal read(String url, String user, String password) throws SQLException {
    String sql = "SELECT \"persistence_id\", \"sequence_number\", \"event_ser_id\", \"event_ser_manifest\", \"event_payload\" FROM \"event_journal\""
        + " WHERE \"persistence_id\" LIKE 'ledger-%' ORDER BY \"persistence_id\", \"sequence_number\"";
    List<JobEvent> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String where = rs.getString(1) + " #" + rs.getLong(2);
        out.addAll(decode(rs.getInt(3), rs.getString(4), rs.getBytes(5), where).events());
      }
    }
    return new LedgerJournal(List.copyOf(out));
  }

  /** A row of either format: the ledger codec's (id 7201) or jackson-json's (id 31) from before it. */
  private static LedgerBatch decode(int serializerId, String manifest, byte[] payload, String where) {
    try {
      if (serializerId == LedgerCodec.SERIALIZER_ID && LedgerCodec.BATCH.equals(manifest)) {
        return (LedgerBatch) LedgerCodec.decode(payload, manifest);
      }
      if (serializerId != JACKSON_JSON || !MovedRowClasses.isLedgerBatch(manifest)) {
        throw new IllegalStateException("journal row " + where + " is [" + manifest + "] of serializer " + serializerId + ", not a LedgerBatch");
      }
      boolean gzip = payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b;
      byte[] json = gzip ? new GZIPInputStream(new ByteArrayInputStream(payload)).readAllBytes() : payload;
      return JSON.readValue(json, LedgerBatch.class);
    } catch (IOException e) {
      throw new IllegalStateException("journal row " + where + " does not decode as a LedgerBatch: " + e, e);
    }
  }

  public List<JobEvent> events() {
    return events;
  }

  /** Each job's events in journal order. */
  public Map<String, List<JobEvent>> byJob() {
    return events.stream().collect(Collectors.groupingBy(JobEvent::jobId, LinkedHashMap::new, Collectors.toList()));
  }

  /** How many events of {@code type} job {@code id} has. */
  public long count(String id, Class<? extends JobEvent> type) {
    return events.stream().filter(e -> e.jobId().equals(id) && type.isInstance(e)).count();
  }

  /** Events of {@code type}, over all jobs. */
  public <T extends JobEvent> List<T> all(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  /** A job's history as labels, e.g. [Submitted, Started#1, Started#2, Completed#2, Succeeded]. */
  public List<String> labels(String id) {
    return events.stream().filter(e -> e.jobId().equals(id)).map(JobEvent::label).collect(Collectors.toList());
  }
}
