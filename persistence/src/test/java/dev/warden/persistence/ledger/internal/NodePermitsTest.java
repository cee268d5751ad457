package dev.warden.persistence.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodePermitsTest {
  @Test
  void aFreedPermitGoesToTheWaitingPartitionNotBackToTheOneThatFreedIt() {
    List<Integer> woken = new ArrayList<>();
    NodePermits permits = new NodePermits(3);
    permits.wakeWith(woken::add);
    permits.limit("resize", 2);
    NodePermits.Pool pool = permits.pool("resize");
    assertEquals(2, pool.acquire(0, 2), "partition 0 takes what is free");
    assertEquals(0, pool.acquire(1, 1), "partition 1 finds none and queues");
    assertEquals(0, pool.acquire(2, 1), "so does partition 2, behind it");
    pool.release(0, 1);
    assertEquals(List.of(1), woken, "the freed permit is handed to the first in the queue");
    assertEquals(0, pool.acquire(0, 5), "partition 0 cannot take it back: it queues behind partition 2");
    assertEquals(1, pool.acquire(1, 1));
    pool.release(0, 1);
    assertEquals(List.of(1, 2), woken);
    assertEquals(1, pool.acquire(2, 3), "partition 2's turn; it queues again for the rest");
    pool.release(1, 1);
    assertEquals(List.of(1, 2, 0), woken, "then partition 0, before partition 2's second turn");
  }

  @Test
  void aNewIncarnationOfAPartitionGivesBackWhatTheOldOneHeld() {
    NodePermits permits = new NodePermits(2);
    permits.limit("t", 3);
    NodePermits.Pool pool = permits.pool("t");
    assertEquals(3, pool.acquire(0, 3));
    permits.reset(0);
    assertEquals(3, pool.acquire(1, 3));
    assertEquals(3, permits.inUse().get("t"));
  }
}
