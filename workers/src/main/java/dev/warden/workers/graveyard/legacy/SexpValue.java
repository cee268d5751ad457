package dev.warden.workers.graveyard.legacy;

/**
 * One value read from a Common Lisp printer's output: a list, a symbol (keywords included),
 * a string or a number. Values are immutable and keep their text as written, so that
 * {@link #toSexp()} prints them back in the same form ({@code 60} and {@code 60.0} stay apart).
 */
public sealed interface SexpValue permits SexpList, SexpSymbol, SexpString, SexpNumber {

  /** The value printed as an S-expression, numbers and symbols exactly as they were written. */
  String toSexp();

  /** Appends {@link #toSexp()} to {@code out}, without an intermediate string. */
  default void printTo(StringBuilder out) {
    out.append(toSexp());
  }

  /**
   * True for Lisp {@code NIL}: the symbol {@code NIL} (any case, since the Lisp reader
   * upcases it) or the empty list {@code ()}.
   */
  default boolean isNil() {
    return false;
  }
}
