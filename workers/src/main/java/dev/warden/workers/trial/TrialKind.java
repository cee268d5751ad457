package dev.warden.workers.trial;

import dev.warden.persistence.checkpoint.CheckpointerKind;
import com.typesafe.config.Config;
import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.persistence.ledger.LedgerKind;
import dev.warden.core.WardenSettings;
import dev.warden.core.process.MemoryProbe;
import dev.warden.core.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The trial kind ({@code trial}): a pool of trial workers under the memory guard. Start it with
 * the ledger, e.g. {@code Warden.start(conf, LedgerKind.create(), TrialKind.create(), CheckpointerKind.create())},
 * then use {@link Trials#of}.
 */
public final class TrialKind implements WorkerKind<TrialPool.Command> {
  public static final String NAME = "trial";
  private final MemoryProbe probe;
  private final RssHistory history = new RssHistory();

  private TrialKind(MemoryProbe probe) {
    this.probe = probe;
  }

  public static TrialKind create() {
    return new TrialKind(MemoryProbe.proc());
  }

  /** With injected memory readings (tests, simulations). */
  public static TrialKind create(MemoryProbe probe) {
    return new TrialKind(probe);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Environment variable marking every trial process (and its descendants) with its node's data dir. */
  public static final String OWNER_ENV = "WARDEN_TRIAL_OWNER";

  /**
   * After the ledger (0), like the llm kind: the ledger drains first and waits (up to
   * {@code warden.ledger.shutdown.drain-timeout}) for running trials, which can still report;
   * stopping the pool first killed them at once while the ledger waited for results that could no
   * longer come, and every such trial ran again after the restart.
   */
  @Override
  public int shutdownOrder() {
    return 50;
  }

  @Override
  public void validate(Config config) {
    TrialSettings.create(config);
  }

  /**
   * Validates settings and kills trial processes a previous node on the same data directory left
   * behind (e.g. after kill -9 of the node: direct children die with it, but their descendants are
   * re-parented and would run on). They are found by {@link #OWNER_ENV} in /proc.
   */
  @Override
  public void prepare(ActorSystem<?> system) {
    TrialSettings.create(system.settings().config());
    String owner = owner(WardenSettings.create(system.settings().config()).dataDir());
    List<ProcessHandle> orphans = ProcessTree.withEnv(OWNER_ENV, owner);
    orphans.forEach(ProcessHandle::destroyForcibly);
    LoggerFactory.getLogger(TrialKind.class).info("trial memory mode: {}", memoryMode());
    if (!orphans.isEmpty()) {
      LoggerFactory.getLogger(TrialKind.class).warn(
          "killed {} orphaned trial process(es) left by a previous node on {}: pids {}", orphans.size(), owner,
          orphans.stream().map(ProcessHandle::pid).toList());
    }
  }

  /**
   * Which memory enforcement is in force: always proc-sampling (Warden does not create cgroups);
   * says whether a cgroup v2 memory controller is visible, which would be the airtight way.
   */
  static String memoryMode() {
    Path controllers = Path.of("/sys/fs/cgroup/cgroup.controllers");
    String cgroup;
    try {
      cgroup = Files.readString(controllers).contains("memory")
          ? "a cgroup v2 memory controller is visible at /sys/fs/cgroup but not used"
          : "cgroup v2 at /sys/fs/cgroup has no memory controller";
    } catch (IOException | RuntimeException e) {
      cgroup = "no unified cgroup v2 hierarchy at /sys/fs/cgroup";
    }
    return "proc-sampling (each trial's tree RSS read from /proc every warden.memory-guard.check-interval, four times"
        + " as often during a stop grace; " + cgroup + ")";
  }

  static String owner(Path dataDir) {
    return dataDir.toAbsolutePath().normalize().toString();
  }

  /**
   * {@code /api/v1/trials/studies}: studies, their trials, the best so far (on a node with the ledger
   * kind); {@code /api/v1/trials/workers}: each worker's RSS and age over the last minutes.
   */
  @Override
  public Optional<KindRoutes> routes(HttpContext http) {
    return http.warden().workerKind(LedgerKind.class).isPresent() ? Optional.of(TrialRoutes.create(http, history)) : Optional.empty();
  }

  @Override
  public Behavior<TrialPool.Command> rootBehavior(KindContext context) {
    return TrialPool.create(context, TrialSettings.create(context.config()), probe, history);
  }
}
