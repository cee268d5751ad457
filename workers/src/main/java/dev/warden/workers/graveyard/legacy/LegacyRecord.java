package dev.warden.workers.graveyard.legacy;

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

  private static final int FIELDS = LegacyField.values().length;
  /** Bits per known field in {@link #knownAt}: its pair index + 1, 0 when missing. */
  private static final int BITS = 4;
  /** Highest pair index + 1 that fits in {@link #BITS}. */
  private static final int MAX_PACKED = (1 << BITS) - 1;

  /** Keys and values alternating: key 0, value 0, key 1, value 1, ... */
  private final SexpValue[] pairs;
  /**
   * Where each known field's first occurrence is, packed {@link #BITS} bits per field; a
   * record read from a file costs one array and this long, not three arrays.
   */
  private final long knownAt;
  /** The known fields' values, only when one sits too far into the record to be packed. */
  private final SexpValue[] known;

  private LegacyRecord(SexpValue[] pairs, long knownAt, SexpValue[] known) {
    this.pairs = pairs;
    this.knownAt = knownAt;
    this.known = known;
  }

  /**
   * Used by the parser: {@code pairs} alternate keys (keywords) and values; {@code fields[2i]}
   * is the ordinal + 1 of the known field key {@code i} names, or 0. Takes ownership of
   * {@code pairs}.
   */
  static LegacyRecord ofPairs(SexpValue[] pairs, byte[] fields) {
    long packed = 0;
    SexpValue[] spilled = null;
    for (int p = 0; 2 * p < pairs.length; p++) {
      int f = fields[2 * p] - 1;
      if (f < 0) {
        continue;
      }
      int shift = f * BITS;
      if (spilled != null) {
        if (spilled[f] == null) {
          spilled[f] = pairs[2 * p + 1];
        }
      } else if ((packed >>> shift & MAX_PACKED) == 0) {
        if (p + 1 <= MAX_PACKED) {
          packed |= (long) (p + 1) << shift;
        } else {
          spilled = unpack(pairs, packed);
          spilled[f] = pairs[2 * p + 1];
        }
      }
    }
    return new LegacyRecord(pairs, spilled == null ? packed : 0, spilled);
  }

  /** The code {@link #ofPairs} reads for a key naming {@code field} (null: no known field). */
  static byte fieldCode(LegacyField field) {
    return field == null ? 0 : (byte) (field.ordinal() + 1);
  }

  private static SexpValue[] unpack(SexpValue[] pairs, long packed) {
    SexpValue[] out = new SexpValue[FIELDS];
    for (int f = 0; f < FIELDS; f++) {
      int at = (int) (packed >>> (f * BITS) & MAX_PACKED);
      if (at > 0) {
        out[f] = pairs[2 * at - 1];
      }
    }
    return out;
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
    SexpValue[] pairs = new SexpValue[2 * keys.size()];
    byte[] fields = new byte[pairs.length];
    for (int i = 0; i < keys.size(); i++) {
      SexpSymbol k = Objects.requireNonNull(keys.get(i), "key");
      if (!k.isKeyword()) {
        throw new IllegalArgumentException("key " + k + " is not a keyword");
      }
      pairs[2 * i] = k;
      pairs[2 * i + 1] = Objects.requireNonNull(values.get(i), "value");
      fields[2 * i] = fieldCode(LegacyField.forKeyword(k.text()));
    }
    return ofPairs(pairs, fields);
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
    return pairs.length / 2;
  }

  /** The keys in written order. */
  public List<SexpSymbol> keys() {
    SexpSymbol[] keys = new SexpSymbol[size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(i);
    }
    return List.of(keys);
  }

  /** The values in written order. */
  public List<SexpValue> values() {
    SexpValue[] values = new SexpValue[size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = pairs[2 * i + 1];
    }
    return List.of(values);
  }

  private SexpSymbol key(int i) {
    return (SexpSymbol) pairs[2 * i];
  }

  /** The value of a known key, or null when the key is missing. */
  public SexpValue value(LegacyField field) {
    if (known != null) {
      return known[field.ordinal()];
    }
    int at = (int) (knownAt >>> (field.ordinal() * BITS) & MAX_PACKED);
    return at == 0 ? null : pairs[2 * at - 1];
  }

  /** The value under any keyword (with or without its colon, exact case), or null. */
  public SexpValue get(String keyword) {
    String text = keyword.startsWith(":") ? keyword : ":" + keyword;
    for (int i = 0; 2 * i < pairs.length; i++) {
      if (key(i).text().equals(text)) {
        return pairs[2 * i + 1];
      }
    }
    return null;
  }

  /** Whether a known key is missing, NIL, a number or something else. */
  public FieldState state(LegacyField field) {
    SexpValue v = value(field);
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
    SexpValue v = value(field);
    return v instanceof SexpNumber n ? n : null;
  }

  /**
   * A known key's value as text: a string's contents, a symbol's text ({@code :BUY}) or a
   * number's text; null when missing or NIL; the printed form for a list.
   */
  public String text(LegacyField field) {
    SexpValue v = value(field);
    if (v == null || v.isNil()) {
      return null;
    }
    return v instanceof SexpString s ? s.value() : v.toSexp();
  }

  /** The fields whose values the legacy daemon computes with as double-floats. */
  private static final LegacyField[] NUMERIC = {LegacyField.SL, LegacyField.TP, LegacyField.TIMESTAMP};

  /**
   * Why the legacy daemon could not have used this record, or null: a float anywhere in it that
   * overflows a double (its Lisp reader signals an error on it), or an {@code :SL}, {@code :TP}
   * or {@code :TIMESTAMP} whose value is not a finite double (a bignum the daemon's float
   * arithmetic overflows on). Such a record would stretch a region to infinity or keep it from
   * ever decaying; the reader quarantines it as {@link DamageReason#NON_FINITE}.
   */
  public String nonFinite() {
    for (LegacyField field : NUMERIC) {
      SexpNumber n = number(field);
      if (n != null && !Double.isFinite(n.value())) {
        return field.keyword() + " " + abbreviated(n.text()) + " is not a finite double";
      }
    }
    for (int i = 1; i < pairs.length; i += 2) {
      String why = nonFiniteFloat(pairs[i]);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  private static String nonFiniteFloat(SexpValue v) {
    if (v instanceof SexpNumber n) {
      return n.kind() == SexpNumber.Kind.DECIMAL && !Double.isFinite(n.value())
          ? "float " + abbreviated(n.text()) + " overflows a double" : null;
    }
    if (v instanceof SexpList list) {
      for (SexpValue item : list.items()) {
        String why = nonFiniteFloat(item);
        if (why != null) {
          return why;
        }
      }
    }
    return null;
  }

  private static String abbreviated(String number) {
    return number.length() <= 40 ? number
        : number.substring(0, 20) + "...(" + number.length() + " characters)";
  }

  /** All pairs in written order, first occurrence of a repeated key only. */
  public Map<String, SexpValue> asMap() {
    Map<String, SexpValue> map = new LinkedHashMap<>();
    for (int i = 0; 2 * i < pairs.length; i++) {
      map.putIfAbsent(key(i).text(), pairs[2 * i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** The record printed back as a property list. */
  public String toSexp() {
    StringBuilder out = new StringBuilder(16 * pairs.length + 2);
    SexpList.print(java.util.Arrays.asList(pairs), out);
    return out.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LegacyRecord other && java.util.Arrays.equals(pairs, other.pairs);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(pairs);
  }

  @Override
  public String toString() {
    return toSexp();
  }
}
