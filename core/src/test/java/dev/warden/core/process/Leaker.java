package dev.warden.core.process;

import java.util.ArrayList;
import java.util.List;

/** Test program: allocates and touches {@code args[0]} MiB, prints a heartbeat, then waits. */
public final class Leaker {
  public static void main(String[] args) throws Exception {
    int mib = Integer.parseInt(args[0]);
    List<byte[]> held = new ArrayList<>();
    for (int i = 0; i < mib; i++) {
      byte[] b = new byte[1 << 20];
      for (int j = 0; j < b.length; j += 4096) {
        b[j] = 1;
      }
      held.add(b);
    }
    System.out.println("WARDEN:HEARTBEAT");
    System.out.println("holding " + held.size() + " MiB");
    System.out.flush();
    Object lock = new Object();
    synchronized (lock) {
      lock.wait();
    }
  }
}
