package dev.warden.core.tree;

/** Life-cycle state of one supervised node, as shown in the tree and over JMX. */
public enum NodeState {
  /** Spawned, not yet confirmed running. */
  STARTING,
  /** Child alive. */
  RUNNING,
  /** Child crashed; waiting out the backoff before the next incarnation. */
  RESTARTING,
  /** Restart intensity exceeded: child stopped and parked until an operator restarts it. */
  DEGRADED,
  /** Paused by an operator; the child is alive but told to take no new work. */
  PAUSED,
  /** Stopped deliberately (shutdown). */
  STOPPED
}
