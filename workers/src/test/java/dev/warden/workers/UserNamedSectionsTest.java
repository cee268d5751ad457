package dev.warden.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.UnknownKeys;
import org.junit.jupiter.api.Test;

/** Every module declares the sections whose keys users name, so only real misspellings are reported. */
class UserNamedSectionsTest {
  @Test
  void namesChosenByTheUserAreNotReportedButAMisspelledFixedKeyIs() {
    Config c = Warden.loadConfig(ConfigFactory.parseString(String.join("\n",
        "warden.ledger.types.extract.start-to-close = 10m",
        "warden.llm.classes.batch.start-to-close = 30m",
        "warden.llm.conversations { \"pdf.extract\" = slow }",
        "warden.llm.bulkhead.models { \"llama3.1:8b\" = 2 }",
        "warden.llm.endpoints.openai { url = \"http://127.0.0.1:1\", api = openai, api-key-env = OPENAI_API_KEY }",
        "warden.supervision.kinds.llm.max-restarts = 10",
        "warden.trial.exit-codes.sucess = [0]",
        "warden.graveyard.import.batch-record = 10")));
    assertThat(UnknownKeys.find(c))
        .containsExactly(
            new UnknownKeys.Unknown("warden.graveyard.import.batch-record", "warden.graveyard.import.batch-records"),
            new UnknownKeys.Unknown("warden.trial.exit-codes.sucess", "warden.trial.exit-codes.success"));
  }
}
