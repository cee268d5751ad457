package dev.warden.persistence.ledger;

import dev.warden.persistence.TestPostgres;

/**
 * {@link ClusterTestBase}'s kill -9 scenario with the production journal: three members on one
 * PostgreSQL database ({@link TestPostgres}, a fresh schema for this class, dropped afterwards).
 */
class PostgresClusterFailoverTest extends ClusterTestBase {
  @Override
  protected Journal journal() {
    TestPostgres pg = TestPostgres.freshSchema();
    return new Journal(pg.url(), TestPostgres.user(), TestPostgres.password(), pg);
  }
}
