package dev.warden.persistence.sexp;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One legacy graveyard record: a property list, kept in written order, unknown keys included.
 * Known keys ({@link LegacyField}) are answered in constant time. When a key repeats, the
 * first occurrence wins, as with Lisp's {@code getf}; all occurrences stay in {@link #keys()}.
 */
public final class LegacyRecord {

  private final SexpSymbol[] keys;
  private final SexpValue[] values;
  private final SexpValue[] known;

  /** Used by the parser, which has already resolved the known fields. */
  LegacyRecord(SexpSymbol[] keys, SexpValue[] values, SexpValue[] known) {
    this.keys = keys;
    this.values = values;
    this.known = known;
  }

  /**
   * A record from keys and values in order.
   *
   * @throws IllegalArgumentException if the sizes differ or a key is not a keyword
   */
  public static LegacyRecord of(List<SexpSymbol> keys, List<SexpValue> values) {
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException(keys.size() + " keys but " + values.size() + " values");
    }
    SexpSymbol[] k = keys.toArray(new SexpSymbol[0]);
    SexpValue[] v = values.toArray(new SexpValue[0]);
    SexpValue[] known = new SexpValue[LegacyField.values().length];
    for (int i = 0; i < k.length; i++) {
      if (!Objects.requireNonNull(k[i], "key").isKeyword()) {
        throw new IllegalArgumentException("key " + k[i] + " is not a keyword");
      }
      Objects.requireNonNull(v[i], "value");
      LegacyField field = LegacyField.forKeyword(k[i].text());
      if (field != null && known[field.ordinal()] == null) {
        known[field.ordinal()] = v[i];
      }
    }
    return new LegacyRecord(k, v, known);
  }

  /**
   * Parses one record's text, e.g. {@code (:NAME "X" :SL 0.35)}.
   *
   * @throws IllegalArgumentException naming the damage if the text is not one intact record
   */
  public static LegacyRecord parse(String text) {
    return RecordScanner.parseStandalone(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Number of key/value pairs. */
  public int size() {
    return keys.length;
  }

  /** The keys in written order. */
  public List<SexpSymbol> keys() {
    return List.of(keys);
  }

  /** The values in written order. */
  public List<SexpValue> values() {
    return List.of(values);
  }

  /** The value of a known key, or null when the key is missing. */
  public SexpValue value(LegacyField field) {
    return known[field.ordinal()];
  }

  /** The value under any keyword (with or without its colon, exact case), or null. */
  public SexpValue get(String keyword) {
    String text = keyword.startsWith(":") ? keyword : ":" + keyword;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].text().equals(text)) {
        return values[i];
      }
    }
    return null;
  }

  /** Whether a known key is missing, NIL, a number or something else. */
  public FieldState state(LegacyField field) {
    SexpValue v = known[field.ordinal()];
    if (v == null) {
      return FieldState.MISSING;
    }
    if (v instanceof SexpNumber) {
      return FieldState.NUMBER;
    }
    return v.isNil() ? FieldState.NIL : FieldState.OTHER;
  }

  /** The number under a known key, or null when it is missing, NIL or not a number. */
  public SexpNumber number(LegacyField field) {
    SexpValue v = known[field.ordinal()];
    return v instanceof SexpNumber ? (SexpNumber) v : null;
  }

  /**
   * A known key's value as text: a string's contents, a symbol's text ({@code :BUY}) or a
   * number's text; null when missing or NIL; the printed form for a list.
   */
  public String text(LegacyField field) {
    SexpValue v = known[field.ordinal()];
    if (v == null || v.isNil()) {
      return null;
    }
    return v instanceof SexpString ? ((SexpString) v).value() : v.toSexp();
  }

  /** All pairs in written order, first occurrence of a repeated key only. */
  public Map<String, SexpValue> asMap() {
    Map<String, SexpValue> map = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      map.putIfAbsent(keys[i].text(), values[i]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** The record printed back as a property list. */
  public String toSexp() {
    StringBuilder out = new StringBuilder(16 * keys.length + 2).append('(');
    for (int i = 0; i < keys.length; i++) {
      if (i > 0) {
        out.append(' ');
      }
      out.append(keys[i].text()).append(' ');
      values[i].printTo(out);
    }
    return out.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LegacyRecord
        && java.util.Arrays.equals(keys, ((LegacyRecord) o).keys)
        && java.util.Arrays.equals(values, ((LegacyRecord) o).values);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(keys) + java.util.Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return toSexp();
  }
}
