package dev.warden.workers.graveyard.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Tokens, numbers, strings and the record model. */
class SexpSyntaxTest {

  private static SexpNumber num(String text) {
    SexpValue v = LegacyRecord.parse("(:X " + text + ")").get(":X");
    assertTrue(v instanceof SexpNumber, text + " read as " + v);
    return (SexpNumber) v;
  }

  @Test
  void everyNumberFormKeepsItsTextKindAndValue() {
    Object[][] cases = {
      {"60", SexpNumber.Kind.INTEGER, 60.0}, {"-3", SexpNumber.Kind.INTEGER, -3.0},
      {"+7", SexpNumber.Kind.INTEGER, 7.0}, {"60.", SexpNumber.Kind.INTEGER, 60.0},
      {"60.0", SexpNumber.Kind.DECIMAL, 60.0}, {"0.35", SexpNumber.Kind.DECIMAL, 0.35},
      {"-0.42", SexpNumber.Kind.DECIMAL, -0.42}, {".5", SexpNumber.Kind.DECIMAL, 0.5},
      {"1.5e-3", SexpNumber.Kind.DECIMAL, 1.5e-3}, {"2.0d0", SexpNumber.Kind.DECIMAL, 2.0},
      {"1.0f0", SexpNumber.Kind.DECIMAL, 1.0}, {"1.0s0", SexpNumber.Kind.DECIMAL, 1.0},
      {"1.2D0", SexpNumber.Kind.DECIMAL, 1.2}, {"1.E5", SexpNumber.Kind.DECIMAL, 1e5},
      {"3/8", SexpNumber.Kind.RATIO, 0.375}, {"-1/3", SexpNumber.Kind.RATIO, -1.0 / 3},
      {"3980000000", SexpNumber.Kind.INTEGER, 3.98e9},
      {"123456789012345678901234", SexpNumber.Kind.INTEGER, 1.2345678901234568e23},
      {"1.23456789012345678d-300", SexpNumber.Kind.DECIMAL, 1.23456789012345678e-300},
    };
    for (Object[] c : cases) {
      SexpNumber n = num((String) c[0]);
      assertEquals(c[0], n.text());
      assertEquals(c[1], n.kind(), (String) c[0]);
      assertEquals((double) c[2], n.value(), 0.0, (String) c[0]);
    }
    assertEquals(BigInteger.valueOf(-1), num("-1/3").numerator());
    assertEquals(BigInteger.valueOf(3), num("-1/3").denominator());
    assertEquals(BigInteger.valueOf(60), num("60.").numerator());
  }

  @Test
  void sixtyAndSixtyPointZeroAreDifferentValues() {
    assertNotEquals(num("60"), num("60.0"));
    assertEquals(num("60"), SexpNumber.parse("60"));
  }

  @Test
  void shortDecimalsAreCorrectlyRounded() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      String text = String.format(Locale.ROOT, "%d.%0" + (1 + random.nextInt(12)) + "d",
          random.nextInt(100_000) - 50_000, Math.abs(random.nextLong() % 1_000_000_000_000L));
      String withExp = random.nextBoolean() ? text : text + "d" + (random.nextInt(40) - 20);
      assertEquals(Double.parseDouble(withExp.replace('d', 'e')), SexpNumber.parse(withExp).value(), 0.0, withExp);
    }
  }

  @Test
  void tokensThatAreNotNumbersAreSymbolsKeptAsWritten() {
    LegacyRecord r = LegacyRecord.parse("(:A 1+ :B - :C fooBar :D T :E nil :F :Both :G 1.5.3)");
    assertEquals(new SexpSymbol("1+"), r.get(":A"));
    assertEquals(new SexpSymbol("-"), r.get(":B"));
    assertEquals(new SexpSymbol("fooBar"), r.get(":C"));
    assertEquals(new SexpSymbol("T"), r.get(":D"));
    assertTrue(r.get(":E").isNil());
    assertEquals(":Both", r.get(":F").toSexp());
    assertEquals(new SexpSymbol("1.5.3"), r.get(":G"));
  }

  @Test
  void stringsKeepParensEscapesNewlinesAndMultibyteText() {
    LegacyRecord r = LegacyRecord.parse(
        "(:NAME \"a (b) \\\"q\\\" \\\\ c\nd\" :REASON \"Zürich ✓ 東京\" :X \"\\é\")");
    assertEquals("a (b) \"q\" \\ c\nd", r.text(LegacyField.NAME));
    assertEquals("Zürich ✓ 東京", r.text(LegacyField.REASON));
    assertEquals("é", ((SexpString) r.get(":X")).value());
    assertEquals(r, LegacyRecord.parse(r.toSexp()));
  }

  @Test
  void knownFieldsDistinguishMissingNilNumberAndOther() {
    LegacyRecord r = LegacyRecord.parse(
        "(:NAME \"X\" :SL NIL :TP 1.2d0 :TIMEFRAME \"H1\" :DIRECTION :SELL :TIMESTAMP () :RETIRED T)");
    assertEquals(FieldState.OTHER, r.state(LegacyField.NAME));
    assertEquals(FieldState.NIL, r.state(LegacyField.SL));
    assertEquals(FieldState.NUMBER, r.state(LegacyField.TP));
    assertEquals(FieldState.OTHER, r.state(LegacyField.TIMEFRAME));
    assertEquals(FieldState.NIL, r.state(LegacyField.TIMESTAMP));
    assertEquals(FieldState.MISSING, r.state(LegacyField.SHARPE));
    assertEquals(1.2, r.number(LegacyField.TP).value());
    assertNull(r.number(LegacyField.SL));
    assertNull(r.text(LegacyField.SL));
    assertNull(r.value(LegacyField.SHARPE));
    assertEquals(":SELL", r.text(LegacyField.DIRECTION));
    assertEquals("T", r.text(LegacyField.RETIRED));
  }

  @Test
  void unknownKeysAreKeptInWrittenOrderAndFirstOfARepeatedKeyWins() {
    LegacyRecord r = LegacyRecord.parse(
        "(:ZETA 1 :NAME \"X\" :EXTRA (1 \"two\" :THREE) :SL 0.5 :SL 0.9 :PROFIT-FACTOR 0.81)");
    assertEquals(List.of(":ZETA", ":NAME", ":EXTRA", ":SL", ":SL", ":PROFIT-FACTOR"),
        r.keys().stream().map(SexpSymbol::text).collect(java.util.stream.Collectors.toList()));
    assertEquals("(1 \"two\" :THREE)", r.get("EXTRA").toSexp());
    assertEquals(0.5, r.number(LegacyField.SL).value());
    assertEquals(0.81, r.number(LegacyField.PROFIT_FACTOR).value());
    assertEquals(List.of(":ZETA", ":NAME", ":EXTRA", ":SL", ":PROFIT-FACTOR"), List.copyOf(r.asMap().keySet()));
  }

  @Test
  void keywordsMatchKnownFieldsWhateverTheirCase() {
    LegacyRecord r = LegacyRecord.parse("(:name \"X\" :Sl 0.5)");
    assertEquals("X", r.text(LegacyField.NAME));
    assertEquals(":Sl", r.keys().get(1).text());
    assertEquals(0.5, r.number(LegacyField.SL).value());
  }

  @Test
  void malformedTextIsRejectedWithTheReason() {
    assertThrows(IllegalArgumentException.class, () -> LegacyRecord.parse("(:A 1/0)"));
    assertThrows(IllegalArgumentException.class, () -> LegacyRecord.parse("(:A #<FOO>)"));
    assertThrows(IllegalArgumentException.class, () -> LegacyRecord.parse("(:A (1 . 2))"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LegacyRecord.parse("(:A 1 :B)"));
    assertTrue(e.getMessage().startsWith("MALFORMED_RECORD"), e.getMessage());
  }

  @Test
  void recordsBuiltFromPartsAnswerLikeParsedOnes() {
    LegacyRecord built = LegacyRecord.of(
        List.of(new SexpSymbol(":NAME"), new SexpSymbol(":SL")),
        List.of(new SexpString("X"), SexpNumber.parse("0.35")));
    assertEquals(LegacyRecord.parse("(:NAME \"X\" :SL 0.35)"), built);
    assertEquals(FieldState.NUMBER, built.state(LegacyField.SL));
  }

  /**
   * Parsing one record's text starts with small scratch buffers; a record whose escaped and
   * non-ASCII strings are far larger than them (and than the reader's default record limit)
   * still parses whole, and a second, small record parses after it.
   */
  @Test
  void aRecordFarLargerThanTheInitialScratchStillParses() {
    String escaped = "a\\\\\\\"(b)".repeat(20_000); // a\\\"(b) in Lisp: a, backslash, quote, (b)
    String accented = "\u00e9\u00fc\u4e2d".repeat(15_000);
    String text = "(:NAME \"" + escaped + "\" :SYMBOL \"" + accented + "\" :SL 0.35 :TP 1.2d0)";
    assertTrue(text.length() > 2 * ReaderSettings.DEFAULT_MAX_RECORD_BYTES, "bigger than the default limit");
    LegacyRecord r = LegacyRecord.parse(text);
    assertEquals("a\\\"(b)".repeat(20_000), r.text(LegacyField.NAME));
    assertEquals(accented, r.text(LegacyField.SYMBOL));
    assertEquals(0.35, r.number(LegacyField.SL).value());
    assertEquals(r, LegacyRecord.parse(r.toSexp()));
    assertEquals("X", LegacyRecord.parse("(:NAME \"\\X\")").text(LegacyField.NAME));
  }

  @Test
  void knownFieldsFarIntoALongRecordAndRepeatedOnesAreFound() {
    StringBuilder text = new StringBuilder("(:SL 0.1");
    for (int i = 0; i < 20; i++) {
      text.append(" :EXTRA-").append(i).append(' ').append(i);
    }
    text.append(" :TP 2.5 :SL 0.9 :SYMBOL \"EURUSD\" :TIMESTAMP NIL)");
    LegacyRecord r = LegacyRecord.parse(text.toString());
    assertEquals(25, r.size());
    assertEquals("0.1", r.number(LegacyField.SL).text(), "the first :SL wins");
    assertEquals("2.5", r.number(LegacyField.TP).text());
    assertEquals("EURUSD", r.text(LegacyField.SYMBOL));
    assertEquals(FieldState.NIL, r.state(LegacyField.TIMESTAMP));
    assertEquals(FieldState.MISSING, r.state(LegacyField.NAME));
    assertEquals(r, LegacyRecord.of(r.keys(), r.values()));
    assertEquals(r, LegacyRecord.parse(r.toSexp()));
  }

  @Test
  void tokensAroundTheCachedLengthsReadBackExactly() {
    // 8 and 16 bytes fill the cache's key words exactly; 9 and 17 spill over into the next or past it.
    String[] tokens = {"ABCDEFGH", "ABCDEFGHI", "ABCDEFGHIJKLMNOP", "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOX", "A", "AB"};
    StringBuilder text = new StringBuilder("(");
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < tokens.length; i++) {
        text.append(" :S").append(round).append('-').append(i).append(' ').append(tokens[i])
            .append(" :T").append(round).append('-').append(i).append(" \"").append(tokens[i]).append('"');
      }
    }
    LegacyRecord r = LegacyRecord.parse(text.append(')').toString());
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < tokens.length; i++) {
        assertEquals(new SexpSymbol(tokens[i]), r.get(":S" + round + "-" + i));
        assertEquals(new SexpString(tokens[i]), r.get(":T" + round + "-" + i));
      }
    }
  }
}
