package dev.warden.core.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;

/** Reads {@code MemAvailable} from {@code /proc/meminfo} cheaply: one pread of its first lines. */
final class MemInfo {
  private MemInfo() {}

  /** The kB number of a {@code /proc} line such as {@code "MemAvailable:   1234 kB"}. */
  static long kibField(String line) {
    long v = 0;
    boolean seen = false;
    for (int i = line.indexOf(':') + 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        seen = true;
      } else if (seen) {
        break;
      }
    }
    return v;
  }

  /** MemAvailable in bytes, or -1 if this kernel does not report it. */
  static long availableBytes(byte[] buffer) throws IOException {
    int n;
    try (RandomAccessFile f = new RandomAccessFile("/proc/meminfo", "r")) {
      n = f.read(buffer, 0, buffer.length);
    }
    if (n <= 0) {
      return -1;
    }
    String head = new String(buffer, 0, n, StandardCharsets.US_ASCII);
    int at = head.indexOf("MemAvailable:");
    if (at < 0) {
      return -1;
    }
    int end = head.indexOf('\n', at);
    return kibField(head.substring(at, end < 0 ? head.length() : end)) * 1024;
  }
}
