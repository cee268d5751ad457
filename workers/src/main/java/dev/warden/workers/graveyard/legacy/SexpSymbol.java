package dev.warden.workers.graveyard.legacy;

import java.util.Objects;

/**
 * A symbol as written, e.g. {@code NIL}, {@code T}, {@code FOO} or the keyword {@code :BUY}.
 * The text keeps its case; a keyword's text includes the leading colon.
 *
 * @param text the symbol exactly as written, never empty
 */
public record SexpSymbol(String text) implements SexpValue {

  /** Lisp NIL. */
  public static final SexpSymbol NIL = new SexpSymbol("NIL");

  public SexpSymbol {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("symbol text must not be empty");
    }
  }

  /** True when the symbol is a keyword ({@code :NAME}). */
  public boolean isKeyword() {
    return text.charAt(0) == ':';
  }

  /** The name without a keyword's colon: {@code BUY} for {@code :BUY}. */
  public String name() {
    return isKeyword() ? text.substring(1) : text;
  }

  @Override
  public boolean isNil() {
    return !isKeyword() && text.length() == 3 && text.equalsIgnoreCase("NIL");
  }

  @Override
  public String toSexp() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
