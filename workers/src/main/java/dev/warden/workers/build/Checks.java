package dev.warden.workers.build;

import java.util.List;
import java.util.Set;

/** Argument checks of the core's inputs: each failure names the field, for the drone API's 400 answers. */
final class Checks {
  private Checks() {}

  static String id(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    if (value.length() > 256) {
      throw new IllegalArgumentException(field + " must be at most 256 characters, but was " + value.length());
    }
    return value;
  }

  static <T> List<T> list(String field, List<T> value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be a list (empty when none)");
    }
    return List.copyOf(value);
  }

  static Set<String> set(String field, Set<String> value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " must be a set (empty when none)");
    }
    for (String s : value) {
      id(field + " entry", s);
    }
    return Set.copyOf(value);
  }

  static <T> T present(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    return value;
  }
}
