package dev.warden.core.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A process and its descendants, as Linux sees them: signals for the whole tree and resident
 * memory read from {@code /proc}. Descendants are collected before signalling, because once a
 * parent dies its children are re-parented and can no longer be found through it.
 */
public final class ProcessTree {
  private ProcessTree() {}

  /** The root and every live descendant (a snapshot). */
  public static List<ProcessHandle> members(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>();
    all.add(root);
    root.descendants().forEach(all::add);
    return all;
  }

  /** SIGTERM to every member; answers the members signalled (for a later SIGKILL). */
  public static Set<ProcessHandle> terminate(ProcessHandle root) {
    Set<ProcessHandle> members = new LinkedHashSet<>(members(root));
    for (ProcessHandle p : members) {
      p.destroy();
    }
    return members;
  }

  /** SIGKILL to {@code known} and to every descendant of the root still to be found. */
  public static void kill(ProcessHandle root, Set<ProcessHandle> known) {
    Set<ProcessHandle> all = new LinkedHashSet<>(known);
    all.addAll(members(root));
    for (ProcessHandle p : all) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * True while {@code pid} runs: exists in /proc and is not a zombie (a killed process whose
   * re-parent has not reaped it yet is gone for every purpose but a pid).
   */
  public static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** True when no member of {@code members} is alive any more. */
  public static boolean allGone(Set<ProcessHandle> members) {
    return members.stream().noneMatch(ProcessHandle::isAlive);
  }

  /**
   * Processes whose environment holds {@code key=value} (read from {@code /proc/<pid>/environ};
   * processes of other users are skipped). Children inherit the environment, so this finds a
   * whole tree even after its root died and its members were re-parented.
   */
  public static List<ProcessHandle> withEnv(String key, String value) {
    byte[] needle = (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) {
          continue;
        }
        try {
          if (containsEntry(Files.readAllBytes(d.resolve("environ")), needle)) {
            ProcessHandle.of(Long.parseLong(name)).ifPresent(found::add);
          }
        } catch (IOException | RuntimeException e) {
          // gone, or not ours to read
        }
      }
    } catch (IOException e) {
      return found;
    }
    return found;
  }

  private static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Resident set size of the root and its descendants, in bytes (0 where /proc has nothing). */
  public static long rssBytes(ProcessHandle root) {
    long total = 0;
    for (ProcessHandle p : members(root)) {
      total += rssBytes(p.pid());
    }
    return total;
  }

  /** VmRSS of one process from {@code /proc/<pid>/status}, in bytes; 0 if it is gone. */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return MemInfo.kibField(line) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }
}
