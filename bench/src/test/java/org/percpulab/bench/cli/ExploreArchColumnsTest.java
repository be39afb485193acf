package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code explore --all} on s390 and generic at the default bounds (2 preemptions, 1 interrupt):
 * every cell pinned, {@code n/a} where the backend refuses the access (s390: offset, its
 * experimental local-map, which percpu.access=local-map chooses, and marker-fixup; generic: offset and segment, local-map only with {@code generic.localMap=on}).
 */
class ExploreArchColumnsTest {

  static final String[] COLS = {"offset", "local-map", "private-page", "marker-fixup",
      "restart", "segment"};

  @SuppressWarnings("unchecked")
  static void assertMatrix(String[][] expected, String... args) {
    Cli r = Cli.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Object> m = (Map<String, Object>) ((Map<String, Object>) r.json()).get("matrix");
    assertThat(m).hasSize(expected.length);
    for (String[] e : expected) {
      assertThat(m).containsKey(e[0]);
    }
    for (String[] e : expected) {
      Map<String, Object> row = (Map<String, Object>) m.get(e[0]);
      for (int i = 0; i < COLS.length; i++) {
        Map<String, Object> cell = (Map<String, Object>) row.get(COLS[i]);
        assertThat(cell.get("verdict")).as(e[0] + " / " + COLS[i]).isEqualTo(e[i + 1]);
        if (!e[i + 1].equals("n/a")) {
          assertThat(((Number) cell.get("interleavings")).longValue()).as(e[0] + " / " + COLS[i])
              .isPositive();
        }
      }
    }
  }

  @Test
  void s390RunsOffsetAndMarkerFixup() {
    assertMatrix(new String[][] {
        {"add-no-protection", "violated", "holds", "n/a", "holds", "n/a", "n/a"},
        {"mixed-forms", "violated", "violated", "n/a", "violated", "n/a", "n/a"},
        {"write-after-migration", "holds", "holds", "n/a", "holds", "n/a", "n/a"},
        {"read-then-write", "holds", "holds", "n/a", "holds", "n/a", "n/a"},
        {"cmpxchg-remote", "holds", "holds", "n/a", "holds", "n/a", "n/a"},
        {"alias-escape", "holds", "violated", "n/a", "holds", "n/a", "n/a"},
        {"shared-tlb", "holds", "violated", "n/a", "holds", "n/a", "n/a"}},
        "explore", "--all", "--arch", "s390", "--format", "json");
  }

  @Test
  void genericRunsOffsetAndSegment() {
    assertMatrix(new String[][] {
        {"add-no-protection", "holds", "n/a", "n/a", "n/a", "n/a", "holds"},
        {"mixed-forms", "violated", "n/a", "n/a", "n/a", "n/a", "holds"},
        {"write-after-migration", "holds", "n/a", "n/a", "n/a", "n/a", "holds"},
        {"read-then-write", "holds", "n/a", "n/a", "n/a", "n/a", "holds"},
        {"cmpxchg-remote", "violated", "n/a", "n/a", "n/a", "n/a", "holds"},
        {"alias-escape", "holds", "n/a", "n/a", "n/a", "n/a", "holds"},
        {"shared-tlb", "holds", "n/a", "n/a", "n/a", "n/a", "holds"}},
        "explore", "--all", "--arch", "generic", "--format", "json");
  }
}
