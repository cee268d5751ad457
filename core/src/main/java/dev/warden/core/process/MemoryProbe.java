package dev.warden.core.process;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Memory readings the guard decides on: host headroom and a worker's resident memory. The
 * default reads {@code /proc}; tests inject their own readings.
 */
public interface MemoryProbe {

  /** Bytes the host can still give out without swapping ({@code MemAvailable}). */
  long availableBytes();

  /** Resident bytes of the process tree rooted at {@code pid}. */
  long rssBytes(long pid);

  /** Reads {@code /proc/meminfo} and {@code /proc/<pid>/status}. Not thread-safe: one per owner. */
  static MemoryProbe proc() {
    return new MemoryProbe() {
      private final byte[] buffer = new byte[512];

      @Override
      public long availableBytes() {
        try {
          return MemInfo.availableBytes(buffer);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read /proc/meminfo", e);
        }
      }

      @Override
      public long rssBytes(long pid) {
        return ProcessHandle.of(pid).map(ProcessTree::rssBytes).orElse(0L);
      }
    };
  }
}
