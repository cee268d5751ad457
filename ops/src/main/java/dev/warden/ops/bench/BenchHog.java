package dev.warden.ops.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Bench program (`ops/warden bench trial`): a process tree that allocates fast, the trial bench's
 * polite and hostile trials (the trial worker tests use a twin under workers/src/test).
 * {@code Hog <polite|hostile> <children> <MiB/s> <max MiB> <dir>}: with children, this process
 * starts that many child JVMs running the same program without children and only waits; without,
 * it allocates (and touches) MiB/s up to max MiB. Each process writes {@code <dir>/pid-<pid>} at
 * start. On SIGTERM each writes {@code <dir>/term-<pid>} (epoch ms); then a polite one stops
 * allocating, cleans up for 300 ms, writes {@code <dir>/clean-<pid>} and exits (143), while a hostile
 * one carries on allocating (its shutdown hook never returns).
 */
public final class BenchHog {
  private static volatile boolean stopping;

  public static void main(String[] args) throws Exception {
    boolean polite = args[0].equals("polite");
    int children = Integer.parseInt(args[1]);
    Path dir = Path.of(args[4]);
    long pid = ProcessHandle.current().pid();
    CountDownLatch never = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping = polite;
      try {
        Files.writeString(dir.resolve("term-" + pid), Long.toString(System.currentTimeMillis()));
        if (polite) {
          TimeUnit.MILLISECONDS.sleep(300);
          Files.writeString(dir.resolve("clean-" + pid), Long.toString(System.currentTimeMillis()));
        } else {
          never.await();
        }
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Files.writeString(dir.resolve("pid-" + pid), "");
    List<Process> started = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      String java = ProcessHandle.current().info().command().orElseThrow();
      started.add(new ProcessBuilder(java, "-Xmx32m", "-XX:MaxDirectMemorySize=4g", "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), BenchHog.class.getName(), args[0], "0", args[2], args[3],
          args[4]).inheritIO().start());
    }
    System.out.println("WARDEN:HEARTBEAT");
    System.out.flush();
    if (children > 0) {
      for (Process p : started) {
        p.waitFor();
      }
      never.await();
    }
    allocate(Integer.parseInt(args[2]), Integer.parseInt(args[3]));
    never.await();
  }

  private static void allocate(int mibPerSecond, int maxMib) throws InterruptedException {
    List<ByteBuffer> held = new ArrayList<>();
    int chunk = 8;
    long pauseNanos = 1_000_000_000L * chunk / mibPerSecond;
    long next = System.nanoTime();
    for (int mib = 0; mib < maxMib && !stopping; mib += chunk) {
      held.add(ByteBuffer.allocateDirect(chunk << 20)); // zeroed, so resident
      next += pauseNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    System.out.println("holding " + held.size() * chunk + " MiB");
  }
}
