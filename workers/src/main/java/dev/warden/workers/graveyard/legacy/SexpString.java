package dev.warden.workers.graveyard.legacy;

import java.util.Objects;

/**
 * A string, with its backslash escapes already resolved.
 *
 * @param value the string's characters
 */
public record SexpString(String value) implements SexpValue {

  public SexpString {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toSexp() {
    StringBuilder out = new StringBuilder(value.length() + 2);
    printTo(out);
    return out.toString();
  }

  @Override
  public void printTo(StringBuilder out) {
    out.append('"');
    int from = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append(value, from, i).append('\\');
        from = i;
      }
    }
    out.append(value, from, value.length()).append('"');
  }

  @Override
  public String toString() {
    return toSexp();
  }
}
