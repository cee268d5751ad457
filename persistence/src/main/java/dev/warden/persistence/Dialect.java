package dev.warden.persistence;

/**
 * The SQL dialect of the journal database, told from its JDBC URL. Warden's journal, snapshot
 * store and schema bootstrap share one code path and differ only where the databases do.
 */
public enum Dialect {
  /** H2, embedded ({@code jdbc:h2:file:}, {@code jdbc:h2:mem:}) or over its TCP server ({@code jdbc:h2:tcp:}). */
  H2("schema/h2/h2-create-schema.sql"),
  /** PostgreSQL ({@code jdbc:postgresql:}), the production database. */
  POSTGRESQL("schema/postgres/postgres-create-schema.sql");

  private final String script;

  Dialect(String script) {
    this.script = script;
  }

  /** The dialect of {@code url}, or empty for a database Warden's journal does not speak. */
  public static java.util.Optional<Dialect> of(String url) {
    if (url.startsWith("jdbc:h2:")) {
      return java.util.Optional.of(H2);
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return java.util.Optional.of(POSTGRESQL);
    }
    return java.util.Optional.empty();
  }

  /** The schema script shipped in the pekko-persistence-jdbc jar. */
  public String script() {
    return script;
  }

  /**
   * True for an H2 database this JVM opens itself (a file or in memory), not one reached over H2's
   * TCP server: only such a database is checkpointed and shut down by its node, since over TCP
   * other nodes may be using it.
   */
  public static boolean embeddedH2(String url) {
    return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
  }
}
