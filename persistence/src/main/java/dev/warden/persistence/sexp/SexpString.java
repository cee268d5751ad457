package dev.warden.persistence.sexp;

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
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }

  @Override
  public String toString() {
    return toSexp();
  }
}
