package dev.warden.persistence.journal;

import com.typesafe.config.Config;
import dev.warden.core.ConfigReader;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.ReadJournalProvider;

/**
 * The {@code class} of the read journal plugin {@value WardenReadJournal#IDENTIFIER}, which Pekko Persistence
 * Query instantiates once per actor system; its settings are that section's ({@code page-size}).
 */
public final class WardenReadJournalProvider implements ReadJournalProvider {
  private final WardenReadJournal journal;

  public WardenReadJournalProvider(ExtendedActorSystem system, Config config, String configPath) {
    this.journal = new WardenReadJournal(system, ConfigReader.of(config, configPath).intAtLeast("page-size", 1));
  }

  @Override
  public WardenReadJournal.Scala scaladslReadJournal() {
    return journal.asScala();
  }

  @Override
  public WardenReadJournal javadslReadJournal() {
    return journal;
  }
}
