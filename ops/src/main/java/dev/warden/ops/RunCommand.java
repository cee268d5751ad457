package dev.warden.ops;

import dev.warden.core.Warden;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code warden run}: a long-lived node; SIGTERM or Ctrl-C stops it cleanly via CoordinatedShutdown. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a Warden node until SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {
  @Mixin NodeOptions node;

  @Override
  public Integer call() {
    Warden warden = Warden.start(node.overrides(), NodeKinds.standard());
    NodeKinds.registerJobTypes(warden);
    StopSignals.install(warden); // a clean stop on SIGTERM exits 0, not 143
    System.out.println(
        "warden node [" + warden.jmxNode() + "] running, data-dir " + warden.settings().dataDir().toAbsolutePath().normalize()
            + warden.jmxServiceUrl().map(u -> ", JMX " + u).orElse("")
            + warden.jmxPasswordFile().map(f -> " (credentials in " + f + ")").orElse("")
            + " (stop with Ctrl-C or SIGTERM)");
    warden.httpUrl().ifPresent(u -> System.out.println("warden node [" + warden.jmxNode() + "] HTTP API at " + u
        + "/api/v1 (OpenAPI: " + u + "/api/v1/openapi.json, health: " + u + "/ready)"));
    System.out.flush();
    warden.system().getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
