package dev.warden.workers.trial;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a console page opened now draws first: bounded, spaced, the last five minutes. */
class RssHistoryTest {
  private static final long T0 = 1_800_000_000_000L;

  @Test
  void keepsOneSampleEverySpacingAndOnlyTheWindow() {
    RssHistory h = new RssHistory();
    for (long t = 0; t <= 20 * 60_000; t += 1_000) { // twenty minutes of guard checks, one a second
      h.record("/warden/trial/worker-1", new RssHistory.Sample(T0 + t, t / 60_000, t / 1_000));
    }
    List<RssHistory.Sample> kept = h.snapshot(T0 + 20 * 60_000).get(0).samples();
    assertThat(kept).hasSize((int) (RssHistory.WINDOW_MILLIS / RssHistory.SPACING_MILLIS));
    assertThat(kept.get(0).at()).isGreaterThanOrEqualTo(T0 + 20 * 60_000 - RssHistory.WINDOW_MILLIS);
    assertThat(kept.get(kept.size() - 1).at()).isEqualTo(T0 + 20 * 60_000);
    for (int i = 1; i < kept.size(); i++) {
      assertThat(kept.get(i).at() - kept.get(i - 1).at()).isGreaterThanOrEqualTo(RssHistory.SPACING_MILLIS);
    }
  }

  @Test
  void aRecycleIsKeptAtOnceAndOldSamplesAgeOutOfTheSnapshot() {
    RssHistory h = new RssHistory();
    h.record("/w", new RssHistory.Sample(T0, 300, 90));
    h.record("/w", new RssHistory.Sample(T0 + 1_000, 0, 0)); // recycled: age starts again
    h.record("/w", new RssHistory.Sample(T0 + 2_000, 5, 1)); // within the spacing: dropped
    assertThat(h.snapshot(T0 + 2_000).get(0).samples()).extracting(RssHistory.Sample::rssMiB).containsExactly(300L, 0L);
    assertThat(h.snapshot(T0 + 1_000 + RssHistory.WINDOW_MILLIS).get(0).samples()).extracting(RssHistory.Sample::rssMiB)
        .containsExactly(0L);
  }
}
