package dev.warden.workers.trial;

import java.util.List;
import java.util.Map;

/**
 * One attempt of one trial: the command (already expanded from the study's template with this
 * trial's parameters) and its environment.
 */
public record TrialSpec(String trialId, int attempt, List<String> argv, Map<String, String> env) {
  public TrialSpec {
    argv = List.copyOf(argv);
    env = Map.copyOf(env);
  }
}
