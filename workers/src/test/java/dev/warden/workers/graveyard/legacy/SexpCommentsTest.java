package dev.warden.workers.graveyard.legacy;

import static dev.warden.workers.graveyard.legacy.ReadResult.readAll;
import static dev.warden.workers.graveyard.legacy.ReadResult.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ;} comments are skipped to the end of their line, wherever the Lisp reader would skip them. */
class SexpCommentsTest {

  @TempDir
  Path dir;

  @Test
  void commentsInsideRecordsAndBetweenThemAreSkipped() throws IOException {
    String text = "; graveyard, hand-edited\n"
        + "(:NAME \"A\" ; a note with \"quotes\", (parens) and ) strays\n"
        + " :TIMEFRAME 60;no space before it\n"
        + " :DIRECTION :BUY :SYMBOL \"USD;JPY\" :SL 0.35 ; last pair next\n"
        + " :TP 1.2 ;\n"
        + ")\n"
        + ";; between records\n"
        + "   ; indented\n"
        + "(:NAME \"B\" :TIMEFRAME 5 :DIRECTION :SELL :SYMBOL \"EURUSD\" :SL 1 :TP 2)\n"
        + "; trailing, no line break";
    ReadResult r = readAll(write(dir, text));
    assertThat(r.damages()).isEmpty();
    assertThat(r.names()).containsExactly("A", "B");
    LegacyRecord a = r.records().get(0).record();
    assertThat(a.toSexp()).isEqualTo("(:NAME \"A\" :TIMEFRAME 60 :DIRECTION :BUY :SYMBOL \"USD;JPY\" :SL 0.35 :TP 1.2)");
    assertThat(a.text(LegacyField.SYMBOL)).isEqualTo("USD;JPY");
    assertThat(r.records().get(1).startOffset()).isEqualTo(text.indexOf("(:NAME \"B\""));
  }

  @Test
  void aCommentDoesNotHideARecordCutShortByTheNextOne() throws IOException {
    String text = "(:NAME \"A\" :SL 0.35 ; the writer died here\n"
        + "(:NAME \"B\" :SL 1 :TP 2)\n";
    ReadResult r = readAll(write(dir, text));
    assertThat(r.names()).containsExactly("B");
    assertThat(r.reasons()).containsExactly(DamageReason.CUT_SHORT);
    assertThat(r.damages().get(0).offset()).isZero();
  }

  @Test
  void theOldOneListLayoutIsRecognisedBehindALeadingComment() throws IOException {
    String text = "; exported by the old daemon\n((:NAME \"A\" :SL 1 :TP 2) ; first\n (:NAME \"B\" :SL 3 :TP 4))\n";
    ReadResult r = readAll(write(dir, text));
    assertThat(r.layout()).isEqualTo(Layout.SINGLE_LIST);
    assertThat(r.damages()).isEmpty();
    assertThat(r.names()).isEqualTo(List.of("A", "B"));
  }
}
