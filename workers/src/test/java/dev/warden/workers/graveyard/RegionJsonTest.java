package dev.warden.workers.graveyard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code graveyard regions --json} prints one object per line that any JSON parser reads. */
class RegionJsonTest {
  private static final ObjectMapper STRICT = new ObjectMapper(); // rejects NaN and Infinity tokens

  @Test
  void aRegionIsOneStrictJsonObjectWithItsComponentsAndFigures() throws Exception {
    Region r = new Region("\"H1\"", "BUY", "US\"D\\JPY", 0.3, 0.36, 1.2, 1.25, 7, 5.5);
    JsonNode n = STRICT.readTree(r.toJson());
    assertThat(n.get("timeframe").asText()).isEqualTo("\"H1\"");
    assertThat(n.get("symbol").asText()).isEqualTo("US\"D\\JPY");
    assertThat(n.get("slMax").asDouble()).isEqualTo(0.36);
    assertThat(n.get("failureCount").asLong()).isEqualTo(7);
    assertThat(n.get("weight").asDouble()).isEqualTo(5.5);
  }

  @Test
  void nilComponentsAndNumbersBeyondJsonAreNull() throws Exception {
    // records timestamped centuries ahead: 0.9 ^ (large negative age) overflows the weight
    Region r = new Region(null, null, null, 1.0, Double.POSITIVE_INFINITY, 2.0, 3.0, 6, Double.POSITIVE_INFINITY);
    JsonNode n = STRICT.readTree(r.toJson());
    assertThat(n.get("timeframe").isNull()).isTrue();
    assertThat(n.get("direction").isNull()).isTrue();
    assertThat(n.get("slMax").isNull()).isTrue();
    assertThat(n.get("weight").isNull()).isTrue();
    assertThat(n.get("slMin").asDouble()).isEqualTo(1.0);
  }
}
