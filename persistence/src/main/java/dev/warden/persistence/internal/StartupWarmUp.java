package dev.warden.persistence.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import dev.warden.persistence.PersistenceSettings;
import dev.warden.persistence.SchemaBootstrap;
import dev.warden.persistence.ledger.JobEvent;
import dev.warden.persistence.ledger.LedgerBatch;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the persistence kinds do while the ActorSystem starts (see {@code WorkerKind.warmUp}):
 * open the H2 file and check its schema (kept open by {@code DB_CLOSE_DELAY=-1}, so the journal's
 * pool finds it open), initialise Slick's H2 profile and HikariCP, and run Jackson over a ledger
 * batch, so the journal's first queries and writes do not pay for that class loading one after
 * another. Once per process.
 */
public final class StartupWarmUp {
  private static final AtomicBoolean DONE = new AtomicBoolean();

  public static void run(Config config) {
    if (!DONE.compareAndSet(false, true)) {
      return;
    }
    SchemaBootstrap.ensure(PersistenceSettings.create(config));
    ClassLoader loader = StartupWarmUp.class.getClassLoader();
    for (String name : new String[] {"slick.jdbc.H2Profile$", "com.zaxxer.hikari.HikariDataSource"}) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // not on this classpath: nothing to warm
      }
    }
    try {
      ObjectMapper json = new ObjectMapper();
      LedgerBatch batch = new LedgerBatch(List.of(
          new JobEvent.Submitted("warm-up", 0, "warm-up", "", null),
          new JobEvent.Started("warm-up", 0, 1, 1),
          new JobEvent.Completed("warm-up", 1, 1, ""),
          new JobEvent.Succeeded("warm-up", 1, 1)));
      json.readValue(json.writeValueAsBytes(batch), LedgerBatch.class);
    } catch (Exception e) {
      // warming only
    }
  }

  private StartupWarmUp() {}
}
