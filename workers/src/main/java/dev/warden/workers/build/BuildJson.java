package dev.warden.workers.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.core.http.HttpContext;

/** The build kind's answers and views as the HTTP API's JSON: snake_case fields, instants as ISO-8601, null when absent. */
final class BuildJson {
  private final HttpContext http;

  BuildJson(HttpContext http) {
    this.http = http;
  }

  ObjectNode lease(LeaseAnswer a) {
    ObjectNode o = http.object().put("known", a.known()).put("paused", a.paused());
    ArrayNode leases = o.putArray("leases");
    for (Lease l : a.leases()) {
      leases.addObject().put("package", l.packageId()).put("epoch", l.epoch()).put("expiry", l.expiry().toString())
          .put("stolen_from", l.stolenFrom());
    }
    return o;
  }

  ObjectNode report(ReportAnswer a) {
    return http.object()
        .put("accepted", a.accepted()).put("stale", a.stale()).put("duplicate", a.duplicate()).put("action", a.action())
        .put("reassigned_to", a.reassignedTo())
        .put("recorded", a.recorded() == null ? null : a.recorded().name())
        .put("status", a.status() == null ? null : a.status().name());
  }

  ObjectNode promotion(PromotionAnswer a) {
    ObjectNode o = http.object().put("promoted", a.promoted()).put("overridden", a.overridden()).put("reason", a.reason());
    a.notReady().forEach(o.putArray("not_ready")::add);
    return o;
  }

  ObjectNode heartbeat(HeartbeatAnswer a) {
    ObjectNode o = http.object().put("known", a.known());
    ArrayNode stops = o.putArray("stop_work");
    for (HeartbeatAnswer.StopWork s : a.stopWork()) {
      stops.addObject().put("package", s.packageId()).put("epoch", s.epoch()).put("reassigned_to", s.reassignedTo());
    }
    return o;
  }

  ObjectNode drone(DroneView d) {
    ObjectNode o = http.object().put("id", d.id()).put("cores", d.cores()).put("machine", d.machine().wire()).put("paused", d.paused())
        .put("last_seen", d.lastSeen().toString()).put("fresh", d.fresh()).put("offline", d.offline())
        .put("building_since", d.buildingSince() == null ? null : d.buildingSince().toString())
        .put("queue_age_seconds", d.queueAge().toSeconds()).put("level", d.level() == null ? null : d.level().name());
    d.capabilities().forEach(o.putArray("capabilities")::add);
    o.set("current", d.current() == null ? null : ref(d.current()));
    ArrayNode leases = o.putArray("leases");
    d.leases().forEach(l -> leases.add(ref(l)));
    return o;
  }

  ObjectNode pkg(PackageView p) {
    ObjectNode o = http.object().put("id", p.id()).put("status", p.status().name()).put("holder", p.holder()).put("epoch", p.epoch())
        .put("expiry", p.expiry() == null ? null : p.expiry().toString()).put("failures", p.failures())
        .put("last_recorded", p.lastRecorded() == null ? null : p.lastRecorded().name()).put("digest", p.digest());
    ArrayNode attempts = o.putArray("attempts");
    for (PackageView.AttemptView a : p.attempts()) {
      attempts.addObject().put("epoch", a.epoch()).put("drone", a.droneId()).put("granted", a.granted().toString()).put("ended", a.ended());
    }
    return o;
  }

  ObjectNode metrics(BuildMetrics m) {
    ObjectNode o = http.object().put("queued", m.queued()).put("leased", m.leased()).put("succeeded", m.succeeded())
        .put("blocked", m.blocked()).put("delegated", m.delegated()).put("steals", m.steals())
        .put("churn_last_hour", Double.isNaN(m.churnLastHour()) ? null : m.churnLastHour())
        .put("utilization", Double.isNaN(m.utilization()) ? null : m.utilization())
        .put("not_started", m.notStarted()).put("not_started_median_seconds", m.notStartedMedian().toSeconds())
        .put("not_started_alarm", m.notStartedAlarm()).put("stale_reports", m.staleReports())
        .put("duplicate_reports", m.duplicateReports()).put("suppressed_escalations", m.suppressedEscalations());
    ObjectNode reclaims = o.putObject("reclaims");
    m.reclaims().forEach((k, v) -> reclaims.put(k.name(), v));
    ObjectNode escalations = o.putObject("escalations");
    m.escalations().forEach((k, v) -> escalations.put(k.name(), v));
    return o;
  }

  ObjectNode ack(Ack a) {
    return http.object().put("done", a.done()).put("reason", a.reason());
  }

  private ObjectNode ref(LeaseRef l) {
    return http.object().put("package", l.packageId()).put("epoch", l.epoch());
  }
}
