package dev.warden.ops.bench;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.warden.persistence.Dialect;
import dev.warden.persistence.PersistenceSettings;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;

/**
 * The peer the ledger's waited submit is compared with: db-scheduler (16.7.1), the JDBC job library a
 * host would otherwise reach for, scheduling one-time executions with {@code scheduleIfNotExists}
 * (one row per schedule, as the ledger journals one Submitted event per submit) on the same database
 * and options as the node, after the node closed: its {@code scheduled_tasks} table (db-scheduler's
 * own schema, indexes included) in the node's H2 file, or in the run's PostgreSQL schema; a HikariCP
 * pool of {@link LedgerSyncChild#SUBMITTERS} connections, as such a host would configure. Only its
 * client runs (no polling scheduler): the executions are due in an hour, so a running scheduler would
 * find nothing to do anyway.
 */
final class LedgerPeerBaseline implements AutoCloseable {
  private static final String H2_DDL = "CREATE TABLE scheduled_tasks (task_name VARCHAR(100) NOT NULL, task_instance"
      + " VARCHAR(100) NOT NULL, task_data BLOB, execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL,"
      + " picked_by VARCHAR(50), last_success TIMESTAMP WITH TIME ZONE, last_failure TIMESTAMP WITH TIME ZONE,"
      + " consecutive_failures INT, last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, priority SMALLINT,"
      + " PRIMARY KEY (task_name, task_instance))";
  private static final String[] INDEXES = {
    "CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)",
    "CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)",
    "CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)"
  };

  private final HikariDataSource pool;
  private final OneTimeTask<Void> task = Tasks.oneTime("bench-noop").execute((instance, ctx) -> { });
  private final SchedulerClient client;
  private final Instant due = Instant.now().plusSeconds(3600);

  LedgerPeerBaseline(PersistenceSettings db) throws Exception {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(db.url());
    cfg.setUsername(db.user());
    cfg.setPassword(db.password());
    cfg.setMaximumPoolSize(LedgerSyncChild.SUBMITTERS);
    cfg.setPoolName("bench-peer");
    this.pool = new HikariDataSource(cfg);
    try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
      st.execute(db.dialect() == Dialect.POSTGRESQL ? H2_DDL.replace("BLOB", "BYTEA") : H2_DDL);
      for (String index : INDEXES) {
        st.execute(index);
      }
    }
    this.client = SchedulerClient.Builder.create(pool, task).build();
  }

  /** {@code n} schedules from this thread, each returned before the next; each one's time (ms). */
  double[] waited(String prefix, int n) {
    double[] lat = new double[n];
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      if (!client.scheduleIfNotExists(task.instance(prefix + i), due)) {
        throw new IllegalStateException("db-scheduler found " + prefix + i + " scheduled already");
      }
      lat[i] = (System.nanoTime() - t) / 1e6;
    }
    return lat;
  }

  /** {@link LedgerSyncChild#SUBMITTERS} threads share {@code n} schedules; answers how many were made. */
  int concurrent(int n) throws Exception {
    return LedgerSyncChild.shared(n, "a db-scheduler schedule", id -> client.scheduleIfNotExists(task.instance(id), due));
  }

  @Override
  public void close() {
    pool.close();
  }
}
