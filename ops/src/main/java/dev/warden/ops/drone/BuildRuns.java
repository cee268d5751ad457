package dev.warden.ops.drone;

import dev.warden.core.process.ExitPolicy;
import dev.warden.core.process.ProcessSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Where and how a lease is built: its directory {@code <workdir>/<package>-<epoch>}, its log beside it, the
 * command with {@code {package}} replaced and the {@code WARDEN_*} environment, and the digest of the artifact
 * the build wrote.
 */
final class BuildRuns {
  private BuildRuns() {}

  static Path dir(DroneOptions options, DroneAgent.Lease l) {
    return options.workdir().resolve(l.pkg() + "-" + l.epoch());
  }

  static Path artifact(DroneOptions options, DroneAgent.Lease l) {
    return dir(options, l).resolve("artifact");
  }

  static ProcessSpec spec(DroneOptions options, DroneAgent.Lease l, Path dir) {
    return ProcessSpec.of(options.command().stream().map(a -> a.replace("{package}", l.pkg())).toList())
        .withEnv(Map.of("WARDEN_PACKAGE", l.pkg(), "WARDEN_EPOCH", Integer.toString(l.epoch()), "WARDEN_ARTIFACT",
            dir.resolve("artifact").toString(), "WARDEN_DRONE", options.id()))
        .withWorkDir(dir)
        .withLogFile(options.workdir().resolve(l.pkg() + "-" + l.epoch() + ".log"))
        .withStopGrace(options.stopGrace())
        .withExitPolicy(ExitPolicy.defaults());
  }

  /** {@code sha256:<hex>} of the artifact the build wrote to {@code $WARDEN_ARTIFACT}, or null when it wrote none. */
  static String digest(Path artifact) {
    if (!Files.isRegularFile(artifact)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(artifact)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      return null;
    }
  }
}
