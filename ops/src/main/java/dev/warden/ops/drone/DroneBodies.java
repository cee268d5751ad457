package dev.warden.ops.drone;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;

/** The bodies of the drone's requests, as docs/kinds/build.md documents them (snake_case, leases as {package, epoch}). */
final class DroneBodies {
  private DroneBodies() {}

  static ObjectNode lease(ControlClient c, DroneAgent.Lease l) {
    return c.object().put("package", l.pkg()).put("epoch", l.epoch());
  }

  static ObjectNode register(ControlClient c, DroneOptions options, Collection<DroneAgent.Lease> holding) {
    ObjectNode b = c.object().put("cores", options.cores()).put("machine", options.machine());
    options.capabilities().forEach(b.putArray("capabilities")::add);
    ArrayNode held = b.putArray("holding");
    holding.forEach(l -> held.add(lease(c, l)));
    return b;
  }

  /** {@code current} and {@code since} null when it builds nothing. */
  static ObjectNode heartbeat(ControlClient c, DroneAgent.Lease current, Instant since, Collection<DroneAgent.Lease> queue,
      Collection<DroneAgent.Lease> unreported) {
    ObjectNode b = c.object();
    if (current != null) {
      b.set("current", lease(c, current));
      b.put("building_since", since.toString());
    }
    ArrayNode q = b.putArray("queue");
    queue.forEach(l -> q.add(lease(c, l)));
    ArrayNode u = b.putArray("unreported");
    unreported.forEach(l -> u.add(lease(c, l)));
    return b;
  }

  /** A build's report; a failure's {@code detail} is cut to 500 characters. */
  static ObjectNode report(ControlClient c, DroneAgent.Lease l, boolean ok, String detail, String digest) {
    ObjectNode report = lease(c, l).put("outcome", ok ? "success" : "failure");
    if (digest != null) {
      report.put("digest", digest);
    }
    if (detail != null) {
      report.put("detail", detail.length() > 500 ? detail.substring(0, 500) : detail);
    }
    return report;
  }
}
