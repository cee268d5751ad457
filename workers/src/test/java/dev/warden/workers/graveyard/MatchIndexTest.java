package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Distinct points only, with the same answers as keeping every stored point. */
class MatchIndexTest {

  @Test
  void repeatedPointsAreStoredOnceAndStillMatch() {
    MatchIndex index = new MatchIndex();
    for (int i = 0; i < 1000; i++) {
      index.add("USDJPY", 0.35, 1.2);
    }
    index.add("USDJPY", 0.36, 1.2);
    index.add("EURUSD", 0.35, 1.2);
    assertThat(index.points()).isEqualTo(3);
    assertThat(index.matches("USDJPY", 0.351, 1.21)).isTrue();
    assertThat(index.matches("USDJPY", 0.5, 1.2)).isFalse();
    List<Double> usdjpy = new ArrayList<>();
    index.view().forEach("USDJPY", (sl, tp) -> {
      usdjpy.add(sl);
      usdjpy.add(tp);
    });
    assertThat(usdjpy).containsExactly(0.35, 1.2, 0.36, 1.2);
  }

  @Test
  void manyDistinctAndRepeatedPointsAnswerLikeAPlainScan() {
    MatchIndex index = new MatchIndex();
    SplittableRandom random = new SplittableRandom(3);
    int n = 20_000;
    double[] sl = new double[n];
    double[] tp = new double[n];
    for (int i = 0; i < n; i++) {
      sl[i] = (5 + random.nextInt(60)) / 100.0;
      tp[i] = (10 + random.nextInt(80)) / 100.0;
      index.add("X", sl[i], tp[i]);
    }
    long distinct = java.util.stream.IntStream.range(0, n).mapToObj(i -> sl[i] + "/" + tp[i]).distinct().count();
    assertThat(index.points()).isEqualTo(distinct);
    assertThat(index.view().points()).isEqualTo(distinct);
    for (int q = 0; q < 5_000; q++) {
      double s = 0.04 + random.nextDouble() * 0.7;
      double t = 0.08 + random.nextDouble() * 1.0;
      boolean expected = false;
      for (int i = 0; i < n && !expected; i++) {
        expected = Math.abs(s - sl[i]) < 0.05 * sl[i] && Math.abs(t - tp[i]) < 0.05 * tp[i];
      }
      assertThat(index.matches("X", s, t)).as("sl %s tp %s", s, t).isEqualTo(expected);
    }
  }

  @Test
  void aViewIsThePointsAtThatMomentWhateverIsAddedAfter() {
    MatchIndex index = new MatchIndex();
    for (int i = 0; i < 100; i++) {
      index.add("X", 0.5 + i / 1000.0, 1.0); // one cell, grown several times
    }
    MatchPoints view = index.view();
    for (int i = 100; i < 1000; i++) {
      index.add("X", 0.5 + i / 1000.0, 1.0);
    }
    index.add("Y", 0.5, 1.0);
    assertThat(view.points()).isEqualTo(100);
    assertThat(view.symbols()).containsExactly("X");
    MatchIndex copy = view.toIndex();
    assertThat(copy.matches("X", 0.599, 1.0)).isTrue();
    assertThat(copy.matches("X", 0.75, 1.0)).isFalse();
    assertThat(index.matches("X", 0.75, 1.0)).isTrue();
  }

  @Test
  void pointsRestoredWithoutTheCheckAreStillFoundAsDuplicatesLater() {
    MatchIndex index = new MatchIndex();
    for (int i = 0; i < 200; i++) {
      index.addDistinct("X", 0.5 + i / 10_000.0, 1.0 + i / 10_000.0); // one cell, past the scan limit
    }
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 200; i++) {
        index.add("X", 0.5 + i / 10_000.0, 1.0 + i / 10_000.0);
      }
    }
    assertThat(index.points()).isEqualTo(200);
    for (int i = 200; i < 400; i++) {
      index.add("X", 0.5 + i / 10_000.0, 1.0 + i / 10_000.0);
      index.add("X", 0.5 + i / 10_000.0, 1.0 + i / 10_000.0);
    }
    assertThat(index.points()).isEqualTo(400);
    assertThat(index.view().points()).isEqualTo(400);
  }
}
