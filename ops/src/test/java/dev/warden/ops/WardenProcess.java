package dev.warden.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@code warden} CLI in a child JVM (the test classpath), output captured to a file. */
final class WardenProcess implements AutoCloseable {
  final Process process;
  final Path output;

  private WardenProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  static WardenProcess start(Path workDir, String... args) throws IOException {
    return startWithHeap(workDir, "256m", args);
  }

  /** The CLI in a child JVM with {@code -Xmx<heap>}. */
  static WardenProcess startWithHeap(Path workDir, String heap, String... args) throws IOException {
    Path out = workDir.resolve("warden-" + System.nanoTime() + ".out");
    Process p =
        new ProcessBuilder(command(heap, args))
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    return new WardenProcess(p, out);
  }

  /** The CLI in a child JVM that starts quickly (C1 only, serial GC): for small helpers such as drones. */
  static WardenProcess startLight(Path workDir, String... args) throws IOException {
    Path out = workDir.resolve("warden-" + System.nanoTime() + ".out");
    List<String> cmd = command("128m", args);
    cmd.addAll(1, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    return new WardenProcess(p, out);
  }

  /** What a CLI run that ends by itself printed, each stream apart. */
  record Ended(int exitCode, String stdout, String stderr) {}

  /** Runs the CLI in a child JVM to its end (at most {@code timeoutSeconds}), stdout and stderr apart. */
  static Ended runToEnd(Path workDir, int timeoutSeconds, String... args) throws Exception {
    Path out = Files.createTempFile("warden-cli", ".out");
    Path err = Files.createTempFile("warden-cli", ".err");
    Process p = new ProcessBuilder(command("256m", args))
        .directory(workDir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    try {
      if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("warden " + String.join(" ", args) + " did not end in " + timeoutSeconds + " s");
      }
      return new Ended(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static List<String> command(String heap, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.add("-Dwarden.home=" + System.getProperty("warden.home"));
    cmd.add("-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(WardenCli.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
