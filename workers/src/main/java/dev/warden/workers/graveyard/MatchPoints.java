package dev.warden.workers.graveyard;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The match points of a snapshot, without a copy of them: a view of the {@link MatchIndex}'s
 * cells (each array with the size it had when the snapshot was taken; pairs below that size
 * never change), written by Jackson straight from those arrays. Copying 2.6 million points into
 * a second collection for every snapshot doubled the index's memory at the worst moment, the end
 * of a big import.
 *
 * <p>JSON: {@code {"SYMBOL": [sl, tp, sl, tp, ...], ...}}, the shape of the earlier
 * {@code Map<String, double[]>}, so snapshots already stored still restore. Reading one builds
 * the {@link MatchIndex} directly from the numbers as they stream in.
 */
@JsonSerialize(using = MatchPoints.Writer.class)
@JsonDeserialize(using = MatchPoints.Reader.class)
public final class MatchPoints {

  /** The first {@code length} values of {@code pairs}: (SL, TP) pairs. */
  record Run(double[] pairs, int length) {}

  private final Map<String, List<Run>> runs;
  /** The index built while deserializing, handed over once by {@link #toIndex()}. */
  private MatchIndex built;

  MatchPoints(Map<String, List<Run>> runs, MatchIndex built) {
    this.runs = runs;
    this.built = built;
  }

  /** Calls {@code pair} with (SL, TP) of every point of {@code symbol}s, symbols in order. */
  void forEach(String symbol, BiConsumer<Double, Double> pair) {
    for (Run r : runs.getOrDefault(symbol, List.of())) {
      for (int i = 0; i + 1 < r.length(); i += 2) {
        pair.accept(r.pairs()[i], r.pairs()[i + 1]);
      }
    }
  }

  /** Symbols with points, sorted. */
  java.util.Set<String> symbols() {
    return runs.keySet();
  }

  /** Points in the view. */
  long points() {
    long n = 0;
    for (List<Run> rs : runs.values()) {
      for (Run r : rs) {
        n += r.length() / 2;
      }
    }
    return n;
  }

  /** An index holding these points: the one built while reading (once), else a new one. */
  synchronized MatchIndex toIndex() {
    MatchIndex index = built;
    built = null;
    if (index != null) {
      return index;
    }
    MatchIndex fresh = new MatchIndex();
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      for (Run r : e.getValue()) {
        for (int i = 0; i + 1 < r.length(); i += 2) {
          fresh.add(e.getKey(), r.pairs()[i], r.pairs()[i + 1]);
        }
      }
    }
    return fresh;
  }

  /** Writes every symbol's pairs from the cells' own arrays. */
  static final class Writer extends JsonSerializer<MatchPoints> {
    @Override
    public void serialize(MatchPoints value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      for (Map.Entry<String, List<Run>> e : value.runs.entrySet()) {
        gen.writeFieldName(e.getKey());
        gen.writeStartArray();
        for (Run r : e.getValue()) {
          double[] pairs = r.pairs();
          for (int i = 0; i < r.length(); i++) {
            gen.writeNumber(pairs[i]);
          }
        }
        gen.writeEndArray();
      }
      gen.writeEndObject();
    }
  }

  /** Streams the pairs into a new {@link MatchIndex}; no array of all the points is built. */
  static final class Reader extends JsonDeserializer<MatchPoints> {
    @Override
    public MatchPoints deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return ctx.reportInputMismatch(MatchPoints.class, "match points: expected an object, got %s", p.currentToken());
      }
      MatchIndex index = new MatchIndex();
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String symbol = p.currentName();
        if (p.nextToken() != JsonToken.START_ARRAY) {
          return ctx.reportInputMismatch(MatchPoints.class, "match points of %s: expected an array", symbol);
        }
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          double sl = p.getDoubleValue();
          if (p.nextToken() == JsonToken.END_ARRAY) {
            return ctx.reportInputMismatch(MatchPoints.class, "match points of %s: odd number of values", symbol);
          }
          index.addDistinct(symbol, sl, p.getDoubleValue());
        }
      }
      MatchPoints view = index.view();
      return new MatchPoints(view.runs, index);
    }
  }
}
