package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writesNestedValuesInIterationOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", "arm64");
    m.put("n", 42L);
    m.put("ok", true);
    m.put("none", null);
    m.put("tags", List.of("a", "b"));
    m.put("empty", List.of());
    m.put("objs", List.of(Map.of("k", 1)));
    assertThat(Json.write(m)).isEqualTo("""
        {
          "id": "arm64",
          "n": 42,
          "ok": true,
          "none": null,
          "tags": ["a", "b"],
          "empty": [],
          "objs": [
            {
              "k": 1
            }
          ]
        }
        """);
  }

  @Test
  void escapesAndRoundTrips() {
    String nasty = "q\"b\\s/n\nt\tc\u0001é";
    String text = Json.write(List.of(nasty, Double.NaN, 1.5));
    assertThat(text).isEqualTo("[\"q\\\"b\\\\s/n\\nt\\tc\\u0001é\", null, 1.5]\n");
    assertThat(JsonParser.parse(text)).isEqualTo(java.util.Arrays.asList(nasty, null, 1.5));
  }
}
