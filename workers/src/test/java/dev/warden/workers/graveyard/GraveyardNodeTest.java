package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WorkerKind;
import dev.warden.core.tree.TreeNode;
import dev.warden.persistence.Persistence;
import dev.warden.workers.graveyard.legacy.DamageReason;
import dev.warden.workers.graveyard.legacy.LegacyRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real node on an H2 file: import, restarts, failures, concurrent recorders. */
class GraveyardNodeTest {
  @TempDir Path dir;

  private record Node(Warden warden, Graveyard graveyard) implements AutoCloseable {
    @Override
    public void close() {
      warden.close();
    }
  }

  private Node start(String extra) {
    GraveyardKind kind = GraveyardKind.create();
    List<WorkerKind<?>> kinds = new ArrayList<>(Persistence.kinds());
    kinds.add(kind);
    Warden w = Warden.start(ConfigFactory.parseString(
        "warden.data-dir = \"" + dir.toAbsolutePath().resolve("data") + "\"\n" + extra), kinds);
    get(kind.graveyard().whenReady());
    return new Node(w, kind.graveyard());
  }

  private Node start() {
    return start("");
  }

  static <T> T get(CompletionStage<T> s) {
    try {
      return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String pretty(int i, String symbol) {
    return "(:NAME \"TREND-" + symbol + "-H1-" + i + "\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"" + symbol + "\"\n"
        + " :SL 0.3" + (i % 10) + " :TP 1.2d0 :SHARPE -0.42 :REASON \"Culling (Loser)\")\n";
  }

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  private static void append(Path f, String text) throws IOException {
    Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  @Test
  void importIsIdempotentAndIncrementalAcrossRestarts() throws IOException {
    Path file = write("graveyard.sexp", pretty(0, "USDJPY") + pretty(1, "USDJPY") + "))\n" + pretty(2, "USDJPY"));
    try (Node n = start()) {
      FileReport first = get(n.graveyard().importFiles(ImportRequest.of(file))).files().get(0);
      assertThat(first.status()).isEqualTo(FileReport.Status.IMPORTED);
      assertThat(first.imported()).isEqualTo(3);
      assertThat(first.quarantined()).containsEntry(DamageReason.STRAY_CLOSE_PAREN, 1L);
      assertThat(Files.readString(first.quarantineFile())).contains("STRAY_CLOSE_PAREN");
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(first.quarantineFile())))
          .as("damaged records are sampled into it: owner-only").isEqualTo("rw-------");
      FileReport again = get(n.graveyard().importFiles(ImportRequest.of(file))).files().get(0);
      assertThat(again.status()).isEqualTo(FileReport.Status.UP_TO_DATE);
      assertThat(again.imported()).isZero();
      assertThat(again.alreadyPresent()).isEqualTo(3);
      assertThat(n.graveyard().storedPatterns()).isEqualTo(3);
      append(file, pretty(3, "USDJPY") + pretty(4, "USDJPY"));
      FileReport more = get(n.graveyard().importFiles(ImportRequest.of(file))).files().get(0);
      assertThat(more.imported()).isEqualTo(2);
      assertThat(more.recordsRead()).isEqualTo(2);
      assertThat(n.graveyard().storedPatterns()).isEqualTo(5);
    }
    try (Node n = start()) {
      assertThat(n.graveyard().storedPatterns()).isEqualTo(5);
      assertThat(n.graveyard().regions()).hasSize(1);
      assertThat(n.graveyard().shouldAvoid(0.32, 1.2)).isTrue();
      append(dir.resolve("graveyard.sexp"), pretty(5, "USDJPY"));
      ImportReport r = get(n.graveyard().importFiles(ImportRequest.of(dir.resolve("graveyard.sexp"))));
      assertThat(r.imported()).isEqualTo(1);
      assertThat(r.files().get(0).alreadyPresent()).isEqualTo(5);
      assertThat(n.graveyard().storedPatterns()).isEqualTo(6);
    }
  }

  @Test
  void aReplacedOrTruncatedFileIsNoticedAndNothingStoredChanges() throws IOException {
    Path file = write("graveyard.sexp", pretty(0, "USDJPY") + pretty(1, "USDJPY"));
    Path retired = write("retired.sexp", pretty(7, "EURUSD") + pretty(8, "EURUSD"));
    try (Node n = start()) {
      get(n.graveyard().importFiles(new ImportRequest(file, retired, null)));
      assertThat(n.graveyard().storedPatterns()).isEqualTo(4);
      write("graveyard.sexp", pretty(0, "GBPUSD") + pretty(1, "GBPUSD") + pretty(2, "GBPUSD"));
      Files.writeString(retired, pretty(7, "EURUSD"));
      ImportReport r = get(n.graveyard().importFiles(new ImportRequest(file, retired, null)));
      assertThat(r.ok()).isFalse();
      assertThat(r.files()).extracting(FileReport::status)
          .containsExactly(FileReport.Status.REPLACED, FileReport.Status.TRUNCATED);
      assertThat(r.files().get(0).note()).contains("first").contains("2 records imported from it earlier stay stored");
      assertThat(n.graveyard().storedPatterns()).isEqualTo(4);
    }
  }

  @Test
  void aFailingImportLeavesTheRuntimeUpAndQueriesDegraded() throws IOException {
    try (Node n = start()) {
      for (int i = 0; i < 6; i++) {
        get(n.graveyard().record(LegacyRecord.parse(pretty(i, "USDJPY"))));
      }
      assertThat(n.graveyard().shouldAvoid(0.32, 1.2)).isTrue();
      Path notAFile = Files.createDirectory(dir.resolve("graveyard.sexp"));
      assertThatThrownBy(() -> get(n.graveyard().importFiles(ImportRequest.of(notAFile))))
          .hasMessageContaining("not a regular file");
      assertThat(n.graveyard().degraded()).get().asString().contains("not a regular file");
      assertThat(n.graveyard().shouldAvoid(0.32, 1.2)).isFalse();
      assertThat(n.graveyard().regions()).isEmpty();
      assertThat(n.graveyard().matchesPattern("USDJPY", 0.32, 1.2, 0)).isFalse();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        TreeNode importer = n.warden().tree().node("/warden/graveyard/importer").orElseThrow();
        assertThat(importer.getLastFailure()).contains("not a regular file");
        assertThat(importer.getRestartCount()).isEqualTo(1);
      });
      get(n.graveyard().record(LegacyRecord.parse(pretty(6, "USDJPY"))));
      Path good = write("good.sexp", pretty(9, "EURUSD"));
      get(n.graveyard().importFiles(ImportRequest.of(good)));
      assertThat(n.graveyard().degraded()).isEmpty();
      assertThat(n.graveyard().shouldAvoid(0.32, 1.2)).isTrue();
      assertThat(n.graveyard().storedPatterns()).isEqualTo(8);
    }
  }

  @Test
  void eightThreadsRecordingConcurrentlyStoreEveryPatternExactlyOnce() throws Exception {
    int perThread = 150;
    try (Node n = start("warden.graveyard.journal.snapshot-every-patterns = 256\n")) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < perThread; i++) {
            String text = "(:NAME \"P-" + thread + "-" + i + "\" :TIMEFRAME " + (thread + 1) + " :DIRECTION :SELL :SYMBOL \"T"
                + thread + "\" :SL " + (1 + i) + " :TP " + (1 + i) + ")";
            get(n.graveyard().record(LegacyRecord.parse(text)));
          }
        }, pool));
      }
      get(CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)));
      pool.shutdown();
      assertThat(n.graveyard().storedPatterns()).isEqualTo(8L * perThread);
    }
    try (Node n = start()) {
      assertThat(n.graveyard().storedPatterns()).isEqualTo(8L * perThread);
      assertThat(n.graveyard().storedHighWater()).isEqualTo(8L * perThread);
      List<Region> regions = n.graveyard().regions();
      assertThat(regions).hasSize(8);
      for (Region r : regions) {
        assertThat(r.failureCount()).isEqualTo(perThread);
        assertThat(r.weight()).isEqualTo(perThread);
        assertThat(List.of(r.slMin(), r.slMax())).containsExactly(1.0, (double) perThread);
      }
      for (int t = 0; t < 8; t++) {
        for (int i = 1; i <= perThread; i++) {
          assertThat(n.graveyard().matchesPattern("T" + t, i, i, 0)).isTrue();
        }
      }
    }
  }
}
