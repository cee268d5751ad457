package dev.warden.workers.graveyard.legacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frames and parses one record in a single pass over bytes already in memory.
 *
 * <p>Structural damage (cut short, too deep, oversized, end of file) is thrown at once as
 * {@link ScanDamage}. Token damage (bad token, invalid UTF-8, non-keyword key, odd length) is
 * remembered and the scan goes on to the closing parenthesis, so the damaged range is the
 * whole framed record.
 *
 * <p>The ambiguous case: a record start ({@code (} at a line start) inside a string. It is
 * taken as the start of a new record, ending the current one as
 * {@link DamageReason#UNTERMINATED_STRING}, only if the text from there is itself a complete,
 * intact record that ends at a line end; otherwise it is part of the string.
 */
final class RecordScanner {

  private final int maxRecordBytes;
  private final int maxDepth;
  private final boolean trial;
  private final Tokens tokens;
  private final KeyTrail keys = new KeyTrail();
  private RecordScanner trialScanner;

  private byte[] buf;
  private int limit;
  private boolean eof;
  private boolean singleList;
  private int stop;
  private int pos;
  /** Index just past the closing parenthesis of the last record scanned. */
  int end;

  private TokenError tokenError;
  private boolean nestedRecordLike;
  private LegacyField lastField;
  /**
   * Known field of each element (ordinal + 1, 0 for none): primitive, so no barrier. The
   * elements themselves go to a new array per record sized like the last record (so usually
   * exactly; it becomes the record's own): storing references into a long-lived array instead
   * cost a G1 card-marking barrier with a memory fence per element.
   */
  private byte[] fields = new byte[32];
  private SexpValue[] elements;
  private int count;
  private int lastCount = 16;

  RecordScanner(ReaderSettings settings) {
    this(settings, false, new Tokens(Tokens.READER_CACHE));
  }

  private RecordScanner(ReaderSettings settings, boolean trial, Tokens tokens) {
    this.maxRecordBytes = settings.maxRecordBytes();
    this.maxDepth = settings.maxDepth();
    this.trial = trial;
    this.tokens = tokens;
  }

  /** Parses a whole text holding exactly one record (for {@link LegacyRecord#parse}). */
  static LegacyRecord parseStandalone(byte[] text) {
    int size = Math.max(ReaderSettings.DEFAULT_MAX_RECORD_BYTES, text.length + 8);
    RecordScanner scanner = new RecordScanner(new ReaderSettings(size, 1024, 0), false,
        new Tokens(Tokens.SINGLE_RECORD_CACHE));
    int i = 0;
    while (i < text.length && Bytes.isSpace(text[i])) {
      i++;
    }
    if (i == text.length || text[i] != '(') {
      throw new IllegalArgumentException("no record: text does not start with '('");
    }
    try {
      LegacyRecord record = scanner.scan(text, i, text.length, true, false);
      for (int j = scanner.end; j < text.length; j++) {
        if (!Bytes.isSpace(text[j])) {
          throw new IllegalArgumentException("text after the record at byte " + j);
        }
      }
      return record;
    } catch (ScanDamage d) {
      throw new IllegalArgumentException(d.reason + ": " + d.getMessage());
    }
  }

  /**
   * Scans the record whose {@code (} is at {@code buf[start]}. Unless {@code eof}, the caller
   * guarantees {@code limit - start >= 2 * maxRecordBytes + 8}.
   */
  LegacyRecord scan(byte[] buf, int start, int limit, boolean eof, boolean singleList)
      throws ScanDamage {
    this.buf = buf;
    this.limit = limit;
    this.eof = eof;
    this.singleList = singleList;
    this.stop = (int) Math.min(limit, (long) start + maxRecordBytes);
    tokenError = null;
    nestedRecordLike = false;
    tokens.hugeExact = false;
    elements = new SexpValue[lastCount];
    count = 0;
    int i = skipSpace(start + 1);
    while (true) {
      i = cachedElements(i);
      if (buf[i] == ')') {
        break;
      }
      i = generalElement(i);
    }
    end = i + 1;
    if (trial && !(end < limit ? buf[end] == '\n' || buf[end] == '\r' : eof)) {
      throw new ScanDamage(DamageReason.MALFORMED_RECORD, "not at a line end", ScanDamage.End.KNOWN, end);
    }
    if (count == 0 || (count & 1) == 1 || tokenError != null) {
      damaged(count);
    }
    SexpValue[] pairs = count == elements.length ? elements : Arrays.copyOf(elements, count);
    elements = null;
    lastCount = Math.max(2, count);
    LegacyRecord record = LegacyRecord.ofPairs(pairs, fields);
    if (tokens.hugeExact) {
      refuseNonFinite(record);
    }
    return record;
  }

  /** Throws {@link DamageReason#NON_FINITE} if a field the daemon computes with overflows a double. */
  private void refuseNonFinite(LegacyRecord record) throws ScanDamage {
    String why = record.nonFinite();
    if (why != null) {
      throw new ScanDamage(DamageReason.NON_FINITE, why, ScanDamage.End.KNOWN, end);
    }
  }

  /**
   * Reads elements from {@code buf[i]} while each is a cached atom (a keyword when it is a key)
   * or a plain string value; returns the index of the first other element, or of the closing
   * parenthesis. This is nearly every element of a file, so this loop is kept apart from the
   * general path: compiled together, the general path's inlined calls used up the JIT's
   * inlining budget before the hot calls here were inlined.
   */
  private int cachedElements(int i) throws ScanDamage {
    byte[] buf = this.buf;
    TokenCache atoms = tokens.atoms;
    SexpValue[] elements = this.elements;
    byte[] fields = this.fields;
    int count = this.count;
    while (buf[i] != ')') {
      byte kind = Bytes.CLASS[buf[i] & 0xff];
      boolean key = (count & 1) == 0;
      SexpValue value;
      byte code = 0;
      int e;
      int n;
      int slot;
      if (kind == Bytes.CONSTITUENT && key && (n = keys.match(buf, i, stop, count)) > 0) {
        value = keys.value(count);
        code = keys.code(count);
        e = i + n;
      } else if (kind == Bytes.CONSTITUENT && (slot = atoms.findAtom(buf, i, stop)) >= 0) {
        value = atoms.value(slot);
        code = atoms.code(slot);
        e = i + atoms.tokenLength();
        if (key) {
          if (code == 0 && !isKeyword(value)) {
            break;
          }
          keys.remember(count, buf, i, atoms.tokenLength(), value, code);
        }
      } else if (kind == Bytes.QUOTE && !key && (e = plainStringEnd(i + 1)) >= 0) {
        value = plainString(i + 1, e);
        e++;
      } else {
        break;
      }
      if (count == elements.length) {
        elements = Arrays.copyOf(elements, count * 2);
        fields = Arrays.copyOf(fields, Math.max(fields.length, count * 2));
        this.elements = elements;
        this.fields = fields;
      }
      elements[count] = value;
      fields[count] = code;
      count++;
      i = nextToken(e);
    }
    this.count = count;
    return i;
  }

  /** Reads the element at {@code buf[i]}, whatever it is; returns the index of what follows. */
  private int generalElement(int i) throws ScanDamage {
    if (Bytes.CLASS[buf[i] & 0xff] == Bytes.COMMENT) {
      return skipSpace(i); // a comment right after a cached element
    }
    pos = i;
    lastField = null;
    SexpValue value = element(1);
    byte code = LegacyRecord.fieldCode(lastField);
    if ((count & 1) == 0 && code == 0 && !isKeyword(value)) { // a known field is a keyword
      notKeyword(count, i);
    }
    if (count == elements.length) {
      elements = Arrays.copyOf(elements, count * 2);
      fields = Arrays.copyOf(fields, Math.max(fields.length, count * 2));
    }
    elements[count] = value;
    fields[count] = code;
    count++;
    return skipSpace(pos);
  }

  /*
   * The damage paths below build their messages in methods of their own: string concatenation
   * inlined into the record loop used up the JIT's inlining budget before the hot calls after it.
   */

  /** Notes that the element at {@code buf[from, pos)}, key number {@code count / 2 + 1}, is not a keyword. */
  private void notKeyword(int count, int from) {
    noteError(DamageReason.MALFORMED_RECORD, "key #" + (count / 2 + 1) + " is not a keyword: "
        + Tokens.preview(buf, from, Math.min(pos, from + 40)));
  }

  /** Throws the damage of a framed record of {@code count} elements: its shape or its first token error. */
  private void damaged(int count) throws ScanDamage {
    if (count == 0) {
      noteError(DamageReason.MALFORMED_RECORD, "empty list");
    } else if ((count & 1) == 1) {
      noteError(DamageReason.MALFORMED_RECORD, "odd number of elements (" + count + ") in property list");
    }
    DamageReason reason = tokenError.reason == DamageReason.MALFORMED_RECORD && nestedRecordLike
        ? DamageReason.INTERLEAVED : tokenError.reason;
    throw new ScanDamage(reason, tokenError.getMessage(), ScanDamage.End.KNOWN, end);
  }

  /**
   * Index of the first byte from {@code e} that is not blank: {@code e} itself or after one
   * space without a call; otherwise (newlines, runs of blanks, the size limit) {@link #skipSpace}.
   */
  private int nextToken(int e) throws ScanDamage {
    if (e + 1 < stop) {
      byte c = Bytes.CLASS[buf[e] & 0xff];
      if (c != Bytes.SPACE && c != Bytes.NEWLINE) {
        return e;
      }
      byte d = Bytes.CLASS[buf[e + 1] & 0xff];
      if (c == Bytes.SPACE && d != Bytes.SPACE && d != Bytes.NEWLINE) {
        return e + 1;
      }
    }
    return skipSpace(e);
  }

  /**
   * Index of the quote closing the string whose body starts at {@code from}, if the body holds
   * no escape, newline or non-ASCII byte and the quote comes before {@code stop}; else -1.
   * Reads a word at a time.
   */
  private int plainStringEnd(int from) {
    byte[] b = buf;
    int i = from;
    while (i + Long.BYTES <= b.length) {
      long w = Words.at(b, i);
      long quote = Words.equal(w, '"');
      long other = Words.equal(w, '\\') | Words.equal(w, '\n') | Words.high(w);
      if ((quote | other) != 0) {
        int at = i + Words.first(quote | other);
        return b[at] == '"' && at < stop ? at : -1;
      }
      i += Long.BYTES;
      if (i >= stop) {
        return -1;
      }
    }
    return -1;
  }

  /**
   * The plain string {@code buf[from, to)}, as {@link #string} would make it; a short one is
   * looked up here from two word loads, so a cache hit costs no call.
   */
  private SexpValue plainString(int from, int to) {
    int n = to - from;
    if (n > TokenCache.MAX_TOKEN || from + 2 * Long.BYTES > buf.length) {
      return tokens.plain(buf, from, to);
    }
    TokenCache strings = tokens.strings;
    int slot = strings.find(Words.prefix(buf, from, Math.min(n, 8)),
        n > 8 ? Words.prefix(buf, from + 8, n - 8) : 0L, n);
    return slot >= 0 ? strings.value(slot) : tokens.plainMiss(buf, from, to);
  }

  private SexpValue element(int depth) throws ScanDamage {
    byte kind = Bytes.CLASS[buf[pos] & 0xff];
    if (kind == Bytes.OPEN) {
      return list(depth + 1);
    }
    if (kind == Bytes.QUOTE) {
      return string();
    }
    if (kind == Bytes.CLOSE) {
      throw new IllegalStateException("caller handles ')'");
    }
    return atom();
  }

  private SexpValue list(int depth) throws ScanDamage {
    if (depth > maxDepth) {
      throw new ScanDamage(DamageReason.TOO_DEEP, "lists nested deeper than " + maxDepth,
          ScanDamage.End.SKIP, pos);
    }
    List<SexpValue> items = new ArrayList<>();
    int i = pos + 1;
    while (true) {
      i = skipSpace(i);
      if (buf[i] == ')') {
        pos = i + 1;
        break;
      }
      pos = i;
      lastField = null;
      SexpValue item = element(depth);
      if (items.isEmpty() && lastField != null) {
        nestedRecordLike = true;
      }
      items.add(item);
      i = pos;
    }
    lastField = null;
    return new SexpList(items);
  }

  private SexpValue atom() throws ScanDamage {
    int i = pos;
    while (true) {
      if (i >= stop) {
        boundary(i, false);
      }
      byte b = buf[i];
      if (Bytes.CLASS[b & 0xff] != Bytes.CONSTITUENT) {
        break;
      }
      i++;
    }
    int from = pos;
    pos = i;
    try {
      SexpValue value = tokens.atom(buf, from, i);
      lastField = tokens.field;
      return value;
    } catch (TokenError e) {
      if (!trial && e.reason != DamageReason.NON_FINITE && gluedRecordAt(i)) {
        throw new ScanDamage(DamageReason.CUT_SHORT, "record cut short by garbage ("
            + Tokens.preview(buf, from, i) + ") glued to the next record", ScanDamage.End.KNOWN, i);
      }
      noteError(e);
      return SexpSymbol.NIL;
    }
  }

  /**
   * True if an intact record, ending at a line end, starts right at {@code buf[i]} with
   * {@code (:}: a writer appended a record straight after garbage (a NUL or 0xFF run from a
   * crash) without a line break.
   */
  private boolean gluedRecordAt(int i) {
    return i + 1 < limit && buf[i] == '(' && buf[i + 1] == ':' && plausibleRecordAt(i);
  }

  private SexpValue string() throws ScanDamage {
    int i = pos + 1;
    boolean escaped = false;
    boolean nonAscii = false;
    while (true) {
      if (i >= stop) {
        boundary(i, true);
      }
      byte b = buf[i];
      if (b == '"') {
        break;
      }
      if (b == '\\') {
        escaped = true;
        i++;
        // an escaped newline is still checked for a record start after it
        if (i < stop && buf[i] != '\n') {
          nonAscii |= buf[i] < 0;
          i++;
        }
        continue;
      }
      if (b == '\n') {
        int next = Bytes.recordStartAfter(buf, i, limit, singleList);
        if (next >= 0 && (trial || plausibleRecordAt(next))) {
          throw new ScanDamage(DamageReason.UNTERMINATED_STRING,
              "string still open where an intact record starts", ScanDamage.End.KNOWN, next);
        }
      }
      nonAscii |= b < 0;
      i++;
    }
    int from = pos + 1;
    pos = i + 1;
    try {
      return tokens.string(buf, from, i, escaped, nonAscii);
    } catch (TokenError e) {
      noteError(e);
      return new SexpString("");
    }
  }

  private boolean plausibleRecordAt(int start) {
    if (trialScanner == null) {
      trialScanner = new RecordScanner(
          new ReaderSettings(maxRecordBytes, maxDepth, 0), true, tokens);
    }
    boolean hugeExact = tokens.hugeExact; // shared with this scan, which may still need it
    try {
      trialScanner.scan(buf, start, limit, eof, singleList);
      return true;
    } catch (ScanDamage d) {
      return false;
    } finally {
      tokens.hugeExact = hugeExact;
    }
  }

  /**
   * True if an intact record that ends at a line end starts at {@code buf[start]}, which begins
   * with {@code (:}. Unless {@code eof}, {@code limit - start >= 2 * maxRecordBytes + 8}. Used
   * to resynchronise inside garbage between records.
   */
  boolean intactRecordAt(byte[] buf, int start, int limit, boolean eof, boolean singleList) {
    this.buf = buf;
    this.limit = limit;
    this.eof = eof;
    this.singleList = singleList;
    return gluedRecordAt(start);
  }

  private int skipSpace(int i) throws ScanDamage {
    while (true) {
      if (i >= stop) {
        boundary(i, false);
      }
      byte kind = Bytes.CLASS[buf[i] & 0xff];
      if (kind == Bytes.SPACE) {
        i++;
      } else if (kind == Bytes.NEWLINE) {
        int next = Bytes.recordStartAfter(buf, i, limit, singleList);
        if (next >= 0) {
          throw new ScanDamage(DamageReason.CUT_SHORT, "next record starts before this one closed",
              ScanDamage.End.KNOWN, next);
        }
        i++;
      } else if (kind == Bytes.COMMENT) {
        i = commentEnd(i);
      } else {
        return i;
      }
    }
  }

  /** Index of the line break that ends the {@code ;} comment at {@code buf[i]}: the reader skips comments. */
  private int commentEnd(int i) throws ScanDamage {
    while (true) {
      if (i >= stop) {
        boundary(i, false);
      }
      if (buf[i] == '\n') {
        return i;
      }
      i++;
    }
  }

  private void boundary(int i, boolean inString) throws ScanDamage {
    if (i >= limit) {
      throw new ScanDamage(inString ? DamageReason.UNTERMINATED_STRING : DamageReason.CUT_SHORT,
          inString ? "end of file inside a string" : "end of file inside a record",
          ScanDamage.End.EOF, limit);
    }
    throw new ScanDamage(DamageReason.OVERSIZED, "record longer than " + maxRecordBytes + " bytes",
        ScanDamage.End.SKIP, i);
  }

  private static boolean isKeyword(SexpValue value) {
    return value instanceof SexpSymbol s && s.isKeyword();
  }

  private void noteError(DamageReason reason, String detail) {
    noteError(new TokenError(reason, detail));
  }

  private void noteError(TokenError error) {
    if (tokenError == null) {
      tokenError = error;
    }
  }
}
