package dev.warden.workers.build;

import java.io.File;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the control plane's blocking work on the blocking dispatcher, never on the actor's thread: artifact
 * validation, probes and ladder commands, each a future the actor pipes to itself. A probe that throws is UNREACHABLE, one slower than
 * {@code probe-timeout} (plus a second of grace) TIMEOUT; a command that runs past {@code action-timeout} is
 * killed with its descendants and counts as not ran.
 */
final class BlockingWork {
  private final BuildSettings settings;
  private final ServiceSettings service;
  private final Executor blocking;

  BlockingWork(BuildSettings settings, ServiceSettings service, Executor blocking) {
    this.settings = settings;
    this.service = service;
    this.blocking = blocking;
  }

  /** The host validator's verdict on the artifact of a success. */
  CompletableFuture<ArtifactCheck> validate(ArtifactValidator validator, Report r) {
    return CompletableFuture.supplyAsync(() -> validator.check(r.packageId(), r.digest()), blocking);
  }

  CompletableFuture<ProbeResult> probe(String drone, DroneProbe p) {
    long timeout = settings.probeTimeout().toMillis();
    CompletableFuture<ProbeOutcome> run = CompletableFuture.supplyAsync(() -> {
      try {
        return p.probe(drone, settings.probeTimeout());
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking).orTimeout(timeout + 1000, TimeUnit.MILLISECONDS);
    return run.handle((outcome, err) -> {
      if (err == null) {
        return new ProbeResult(drone, p.name(), outcome == null ? ProbeOutcome.UNREACHABLE : outcome, null);
      }
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      return new ProbeResult(drone, p.name(), cause instanceof TimeoutException ? ProbeOutcome.TIMEOUT : ProbeOutcome.UNREACHABLE,
          String.valueOf(cause.getMessage()));
    });
  }

  /** Runs {@code argv}; true when it exited 0 within {@code action-timeout}. */
  CompletableFuture<Boolean> action(List<String> argv) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(new File("/dev/null"))).start();
        if (!p.waitFor(service.actionTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          return false;
        }
        return p.exitValue() == 0;
      } catch (Exception e) {
        return false;
      }
    }, blocking);
  }
}
