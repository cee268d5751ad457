package dev.warden.workers.graveyard.legacy;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns token bytes into values: atoms (keywords, symbols, numbers) and string bodies.
 * Repeating short tokens come from a {@link TokenCache}; UTF-8 is decoded strictly.
 * One instance per reading thread; scratch buffers are reused.
 */
final class Tokens {

  private static final int DETAIL_CHARS = 60;

  /** Cache slots of a reading thread's instance: the tokens of a whole file repeat. */
  static final int READER_CACHE = 4096;
  /** Cache slots for parsing one record's text: little repeats, so a few slots suffice. */
  static final int SINGLE_RECORD_CACHE = 64;
  /** First size of the scratch buffers; they grow only for a token that needs more. */
  static final int INITIAL_SCRATCH = 4096;

  /** Atoms by their bytes; the scanner looks hits up here directly ({@link TokenCache#findAtom}). */
  final TokenCache atoms;
  /** Short plain strings by their bytes (see {@link #plain}). */
  final TokenCache strings;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  /**
   * Scratch for escaped strings and UTF-8 decoding, grown on demand (a token is never longer
   * than the record size limit, which bounds them): sizing them for the limit up front cost
   * every {@link LegacyRecord#parse} call, and so every replayed pattern, about 200 KB of garbage.
   */
  private byte[] unescaped = new byte[INITIAL_SCRATCH];
  private CharBuffer chars = CharBuffer.allocate(INITIAL_SCRATCH);

  Tokens(int cacheSlots) {
    atoms = new TokenCache(cacheSlots);
    strings = new TokenCache(cacheSlots);
  }

  /** The known field named by the last atom returned (a keyword), else null. */
  LegacyField field;

  /** The atom in {@code b[from, to)}. Sets {@link #field}. */
  SexpValue atom(byte[] b, int from, int to) throws TokenError {
    int hit = atoms.find(b, from, to);
    if (hit >= 0) {
      field = atoms.field(hit);
      return atoms.value(hit);
    }
    return atomMiss(b, from, to);
  }

  /**
   * A token not in the cache: classified and cached. Kept out of {@link #atom} so the hit path
   * stays small enough for the JIT to inline into the scanner.
   */
  private SexpValue atomMiss(byte[] b, int from, int to) throws TokenError {
    field = null;
    boolean nonAscii = false;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c < 0) {
        nonAscii = true;
      } else if (isUnsupported(c)) {
        throw new TokenError(DamageReason.MALFORMED_RECORD,
            "unsupported reader syntax in token " + preview(b, from, to));
      }
    }
    if (nonAscii) {
      SexpSymbol symbol = new SexpSymbol(decode(b, from, to - from));
      atoms.put(symbol, null);
      return symbol;
    }
    SexpNumber number = NumberSyntax.parse(b, from, to);
    if (number == NumberSyntax.INVALID) {
      throw new TokenError(DamageReason.MALFORMED_RECORD, "ratio with zero denominator " + preview(b, from, to));
    }
    if (number != null) {
      if (!Double.isFinite(number.value())) {
        return nonFinite(number, b, from, to);
      }
      atoms.put(number, null);
      return number;
    }
    if (to - from == 1 && b[from] == '.') {
      throw new TokenError(DamageReason.MALFORMED_RECORD, "dotted list");
    }
    SexpSymbol symbol = new SexpSymbol(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    field = symbol.isKeyword() ? LegacyField.forKeyword(symbol.text()) : null;
    atoms.put(symbol, field);
    return symbol;
  }

  /**
   * A number whose value overflows a double, never cached. A float is an error wherever it
   * stands: the Lisp reader signals a floating-point overflow on it. An integer or ratio reads
   * (a bignum) and only sets {@link #hugeExact}: it matters only where a field needs its value.
   */
  private SexpNumber nonFinite(SexpNumber number, byte[] b, int from, int to) throws TokenError {
    if (number.kind() == SexpNumber.Kind.DECIMAL) {
      throw new TokenError(DamageReason.NON_FINITE, "float " + preview(b, from, to)
          + " overflows a double (the Lisp reader signals a floating-point overflow)");
    }
    hugeExact = true;
    return number;
  }

  /**
   * Set when an integer or ratio whose value overflows a double was read; the scanner clears
   * it before each record and checks the record's numeric fields when it is set.
   */
  boolean hugeExact;

  /** The string whose body (between the quotes) is {@code b[from, to)}. */
  SexpString string(byte[] b, int from, int to, boolean escaped, boolean nonAscii)
      throws TokenError {
    if (!escaped && !nonAscii) {
      return plain(b, from, to);
    }
    byte[] src = b;
    int start = from;
    int length = to - from;
    if (escaped) {
      length = unescape(b, from, to);
      src = unescaped;
      start = 0;
    }
    return new SexpString(nonAscii ? decode(src, start, length)
        : new String(src, start, length, StandardCharsets.ISO_8859_1));
  }

  /** The string whose body {@code b[from, to)} holds no escape and only ASCII bytes. */
  SexpString plain(byte[] b, int from, int to) {
    if (to - from <= TokenCache.MAX_TOKEN) {
      int hit = strings.find(b, from, to);
      if (hit >= 0) {
        return (SexpString) strings.value(hit);
      }
    }
    return plainMiss(b, from, to);
  }

  /**
   * A plain string not in the cache, right after {@code strings.find} missed it (if it is
   * short enough to be looked up at all): made, and cached the second time it misses. Kept out
   * of {@link #plain} so the hit path stays small enough for the JIT to inline.
   */
  SexpString plainMiss(byte[] b, int from, int to) {
    SexpString value = new SexpString(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
    // only a short token went through strings.find, which admit() and put() rely on
    if (to - from <= TokenCache.MAX_TOKEN && strings.admit()) {
      strings.put(value, null);
    }
    return value;
  }

  private int unescape(byte[] b, int from, int to) {
    if (to - from > unescaped.length) {
      unescaped = new byte[Math.max(to - from, unescaped.length * 2)];
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < to) {
        c = b[++i];
      }
      unescaped[n++] = c;
    }
    return n;
  }

  private String decode(byte[] b, int from, int length) throws TokenError {
    utf8.reset();
    if (length > chars.capacity()) {
      chars = CharBuffer.allocate(Math.max(length, chars.capacity() * 2));
    }
    chars.clear();
    CharBuffer out = chars;
    // tested, not thrown: the decoder's exception would fill in a stack trace per damaged token
    if (utf8.decode(ByteBuffer.wrap(b, from, length), out, true).isError()) {
      throw new TokenError(DamageReason.INVALID_UTF8, "invalid UTF-8 in " + preview(b, from, from + length));
    }
    utf8.flush(out);
    out.flip();
    return out.toString();
  }

  private static boolean isUnsupported(byte c) {
    switch (c) {
      case '#': case '|': case '\\': case '\'': case '`': case ',': // ';' ends a token: Bytes.COMMENT
        return true;
      default:
        return Bytes.isControl(c);
    }
  }

  /** A short printable rendering of some bytes for damage details. */
  static String preview(byte[] b, int from, int to) {
    StringBuilder out = new StringBuilder();
    for (int i = from; i < to && out.length() < DETAIL_CHARS; i++) {
      int c = b[i] & 0xff;
      if (c >= 0x20 && c < 0x7f) {
        out.append((char) c);
      } else {
        Bytes.appendHexEscape(out, c);
      }
    }
    return to - from > DETAIL_CHARS ? out + "..." : out.toString();
  }
}
