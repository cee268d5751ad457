package dev.warden.workers.graveyard.legacy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/** Child-process entry for the bounded-memory test: reads a file, prints what it found. */
public final class ReadFileMain {

  private ReadFileMain() {}

  public static void main(String[] args) throws Exception {
    long[] checksum = {0};
    try (SexpReader reader = SexpReader.open(Path.of(args[0]), ReaderSettings.defaults(),
        QuarantineSink.discard())) {
      reader.readAll(r -> checksum[0] += r.record().size());
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      ReadSummary s = reader.summary();
      System.out.println("records=" + s.records() + " damaged=" + s.damaged() + " pairs=" + checksum[0]
          + " peakHeapBytes=" + peak);
    }
  }
}
