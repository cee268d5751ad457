package dev.warden.workers.graveyard.legacy;

import java.util.Locale;

/** The keys the legacy graveyard daemon knows; a record may carry any others too. */
public enum LegacyField {
  NAME(":NAME"),
  TIMEFRAME(":TIMEFRAME"),
  DIRECTION(":DIRECTION"),
  SYMBOL(":SYMBOL"),
  SL(":SL"),
  TP(":TP"),
  SHARPE(":SHARPE"),
  PROFIT_FACTOR(":PROFIT-FACTOR"),
  WIN_RATE(":WIN-RATE"),
  MAX_DD(":MAX-DD"),
  REASON(":REASON"),
  TIMESTAMP(":TIMESTAMP"),
  RETIRED(":RETIRED");

  private static final LegacyField[] ALL = values();

  private final String keyword;

  LegacyField(String keyword) {
    this.keyword = keyword;
  }

  /** The keyword as the legacy printer writes it, e.g. {@code :PROFIT-FACTOR}. */
  public String keyword() {
    return keyword;
  }

  /**
   * The field a keyword names, or null for an unknown key. Matching ignores ASCII case, as
   * the Lisp reader upcases unescaped symbols ({@code :sl} is {@code :SL}).
   */
  public static LegacyField forKeyword(String keywordText) {
    String upper = keywordText.toUpperCase(Locale.ROOT);
    for (LegacyField field : ALL) {
      if (field.keyword.equals(upper)) {
        return field;
      }
    }
    return null;
  }
}
