package dev.warden.workers.trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study: one command template and one parameter set per trial. In the template, {@code {name}}
 * is replaced by the trial's value of {@code name}; every parameter is also passed in the
 * environment as {@code WARDEN_PARAM_<NAME>}. A trial reports its result with a
 * {@code WARDEN:RESULT {json}} line; {@code objective} names the number in it to optimise.
 */
public record Study(String name, List<String> command, List<Map<String, String>> trials, String objective,
    boolean maximize) {

  public Study {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException("study name must be letters, digits, '_', '.', '-', but was [" + name + "]");
    }
    if (command.isEmpty()) {
      throw new IllegalArgumentException("study " + name + " has an empty command template");
    }
    command = List.copyOf(command);
    List<Map<String, String>> copy = new ArrayList<>();
    trials.forEach(t -> copy.add(Map.copyOf(t)));
    trials = List.copyOf(copy);
  }

  /** The ledger id of trial {@code index}: {@code trial/<study>/<index>}. */
  public String trialId(int index) {
    return "trial/" + name + "/" + index;
  }

  public List<String> argv(int index) {
    Map<String, String> p = trials.get(index);
    List<String> out = new ArrayList<>(command.size());
    for (String part : command) {
      String s = part;
      for (Map.Entry<String, String> e : p.entrySet()) {
        s = s.replace("{" + e.getKey() + "}", e.getValue());
      }
      out.add(s);
    }
    return out;
  }

  public Map<String, String> env(int index) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("WARDEN_STUDY", name);
    env.put("WARDEN_TRIAL", Integer.toString(index));
    trials.get(index).forEach((k, v) -> env.put("WARDEN_PARAM_" + k.toUpperCase().replaceAll("[^A-Z0-9]", "_"), v));
    return env;
  }
}
