package dev.warden.persistence.ledger.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Job type names of one payload in first-use order: each written once, in its table, and referenced by index. */
final class TypeNames {
  final List<String> list = new ArrayList<>(2);
  private final Map<String, Integer> index = new HashMap<>();

  int index(String name) {
    Integer i = index.get(name);
    if (i == null) {
      i = list.size();
      list.add(name);
      index.put(name, i);
    }
    return i;
  }
}
