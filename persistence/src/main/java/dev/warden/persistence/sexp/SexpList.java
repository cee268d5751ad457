package dev.warden.persistence.sexp;

import java.util.List;
import java.util.stream.Collectors;

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
    return items.stream().map(SexpValue::toSexp).collect(Collectors.joining(" ", "(", ")"));
  }

  @Override
  public String toString() {
    return toSexp();
  }
}
