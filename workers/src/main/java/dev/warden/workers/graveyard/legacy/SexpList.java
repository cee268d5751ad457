package dev.warden.workers.graveyard.legacy;

import java.util.List;

/**
 * A proper list. The empty list is Lisp {@code NIL}.
 *
 * @param items the elements, unmodifiable
 */
public record SexpList(List<SexpValue> items) implements SexpValue {

  public SexpList {
    items = List.copyOf(items);
  }

  @Override
  public boolean isNil() {
    return items.isEmpty();
  }

  @Override
  public String toSexp() {
    StringBuilder out = new StringBuilder();
    printTo(out);
    return out.toString();
  }

  @Override
  public void printTo(StringBuilder out) {
    print(items, out);
  }

  /** Appends {@code items} as a list: in parentheses, separated by single spaces. */
  static void print(List<? extends SexpValue> items, StringBuilder out) {
    out.append('(');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append(' ');
      }
      items.get(i).printTo(out);
    }
    out.append(')');
  }

  @Override
  public String toString() {
    return toSexp();
  }
}
