package dev.warden.workers.trial;

/** What a trial worker tells whoever handed it a trial: heartbeats, then one {@link TrialReport}. */
public sealed interface TrialEvent permits TrialEvent.TrialHeartbeat, TrialReport {

  /** The trial this event is about. */
  String trialId();

  /** Its attempt. */
  int attempt();

  /** The trial's process showed a sign of life (throttled). */
  record TrialHeartbeat(String trialId, int attempt, long atMillis) implements TrialEvent {}
}
