package dev.warden.workers.graveyard;

import static dev.warden.workers.graveyard.PatternIndexTest.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.workers.graveyard.legacy.Layout;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pattern journal's command → event → state rules on Pekko's EventSourcedBehaviorTestKit (an
 * in-memory journal, no node): one event per append, nothing for an empty one, progress kept and
 * answered, the index rebuilt by replay. Events go through Warden's real serializer binding
 * (Jackson for {@code WardenSerializable}) on every command; commands carry ActorRefs and the state
 * is the index itself (its snapshot form has {@code IndexSnapshotSerializationTest}), so neither is
 * serialized here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatternJournalTest {
  private static final String A = rec("60", ":BUY", "\"USDJPY\"", "1.5", "2.5", null);
  private static final String B = rec("15", ":SELL", "\"EURUSD\"", "0.7", "0.9", null);

  private final Config config = EventSourcedBehaviorTestKit.config().withFallback(Warden.loadConfig(ConfigFactory.parseString(
      "warden.jmx.enabled = off\nwarden.jmx.connector.enabled = off\nwarden.graveyard.journal.snapshot-every-patterns = 3\n")));
  private final ActorTestKit testKit = ActorTestKit.create("pattern-journal", config);
  private final AtomicReference<PatternIndex> recovered = new AtomicReference<>();
  private EventSourcedBehaviorTestKit<PatternJournal.Command, PatternJournal.Event, PatternIndex> journal;

  @BeforeEach
  void freshJournal() {
    recovered.set(null);
    journal = EventSourcedBehaviorTestKit.create(testKit.system(),
        PatternJournal.create(GraveyardSettings.create(testKit.system()), recovered::set),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false).withVerifyState(false));
    journal.clear();
  }

  @AfterAll
  void stop() {
    testKit.shutdownTestKit();
  }

  private CommandResultWithReply<PatternJournal.Command, PatternJournal.Event, PatternIndex, StatusReply<Done>> append(
      Source source, List<String> patterns, FileProgress progress) {
    return journal.runCommand(r -> new PatternJournal.Append(source, patterns, null, progress, false, r));
  }

  @Test
  void anAppendIsOnePatternsRecordedEventHoweverManyPatternsAndIsAckedOnceStored() {
    var result = append(Source.GRAVEYARD, List.of(A, B), null);
    assertThat(result.events()).containsExactly(new PatternJournal.PatternsRecorded(Source.GRAVEYARD, List.of(A, B), null));
    assertThat(result.reply().isSuccess()).isTrue();
    assertThat(result.state().stored()).isEqualTo(2);
    assertThat(result.state().matchesPattern("USDJPY", 1.5, 2.5)).isTrue();
  }

  @Test
  void anEmptyAppendWithoutProgressIsAckedAndWritesNothing() {
    var result = append(Source.GRAVEYARD, List.of(), null);
    assertThat(result.hasNoEvents()).isTrue();
    assertThat(result.reply().isSuccess()).isTrue();
  }

  @Test
  void retiredPatternsAreStoredButNeverMatched() {
    var result = append(Source.RETIRED, List.of(A), null);
    assertThat(result.state().stored()).isEqualTo(1);
    assertThat(result.state().matchesPattern("USDJPY", 1.5, 2.5)).isFalse();
  }

  @Test
  void importProgressIsJournaledWithItsBatchAndAnsweredByKey() {
    FileProgress progress = new FileProgress("graveyard:/data/g.sexp", Source.GRAVEYARD, "/data/g.sexp", 1234, Layout.RECORD_PER_LINE,
        0, null, 0, null, 2, "abc", null, 0);
    var result = append(Source.GRAVEYARD, List.of(A, B), progress);
    assertThat(result.eventOfType(PatternJournal.PatternsRecorded.class).progress()).isEqualTo(progress);
    assertThat(journal.<Optional<FileProgress>>runCommand(r -> new PatternJournal.GetProgress(progress.key(), r)).reply()).contains(progress);
    assertThat(journal.<Optional<FileProgress>>runCommand(r -> new PatternJournal.GetProgress("other", r)).reply()).isEmpty();

    var progressOnly = append(Source.GRAVEYARD, List.of(), progress);
    assertThat(progressOnly.events()).as("an empty batch still journals its file's progress").hasSize(1);
  }

  @Test
  void aRestartReplaysTheEventsIntoTheSameIndexAndHandsItToTheGraveyard() {
    append(Source.GRAVEYARD, List.of(A), null);
    append(Source.GRAVEYARD, List.of(B), null);
    append(Source.RETIRED, List.of(A, B), null); // crosses snapshot-every-patterns = 3
    PatternIndex before = journal.getState();

    PatternIndex after = journal.restart().state();
    assertThat(after.stored()).isEqualTo(4).isEqualTo(before.stored());
    assertThat(after.regions(PatternIndexTest.NOW_UT)).isEqualTo(before.regions(PatternIndexTest.NOW_UT));
    assertThat(after.matchesPattern("EURUSD", 0.7, 0.9)).isTrue();
    assertThat(recovered.get()).as("the graveyard is handed the recovered index").isSameAs(after);
  }

  @Test
  void parsedRecordsMustMatchThePatternsOneForOne() {
    assertThatThrownBy(() -> new PatternJournal.Append(Source.GRAVEYARD, List.of(A, B), List.of(), null, false, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 records for 2 patterns");
  }
}
