package org.percpulab.mm.percpu.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.percpulab.core.explore.ExploreBounds;
import org.percpulab.core.explore.ExploreResult;
import org.percpulab.core.explore.InterleavingExplorer;
import org.percpulab.core.explore.TraceLine;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.TestMachines;
import org.percpulab.mm.percpu.PercpuSystem;

/**
 * The case x access matrix of {@code explore} on arm64 (2 CPUs, default bounds: 2 preemptions, 1
 * interrupt), pinned: which access each review hazard breaks, and that the enumeration within the
 * bounds is exhaustive.
 */
class PercpuExploreMatrixTest {

  static ExploreResult explore(String name, String localMap) {
    PercpuExploreCases.Case c = PercpuExploreCases.byName(name);
    Map<String, String> cfg = new HashMap<>(Map.of("arch", "arm64", "cpus", "2",
        "percpu.localMap", name.equals("shared-tlb") && localMap.equals("on") ? "force"
            : localMap, "mm.memory", "256M"));
    cfg.putAll(c.config());
    Machine m = TestMachines.boot(cfg);
    PercpuSystem s = PercpuSystem.boot(m);
    return new InterleavingExplorer(m.executor()).explore(c.build().apply(s),
        ExploreBounds.DEFAULT);
  }

  @ParameterizedTest(name = "{0} / localMap={1} -> holds={2}")
  @CsvSource({
      "add-no-protection, off, false",
      "add-no-protection, on, true",
      "mixed-forms, off, false",
      "mixed-forms, on, false",
      "write-after-migration, off, false",
      "write-after-migration, on, true",
      "read-then-write, off, true",
      "read-then-write, on, false",
      "cmpxchg-remote, off, true",
      "cmpxchg-remote, on, true",
      "alias-escape, off, true",
      "alias-escape, on, false",
      "shared-tlb, off, true",
      "shared-tlb, on, false"})
  void matrix(String name, String localMap, boolean holds) {
    ExploreResult r = explore(name, localMap);
    assertThat(r.exhaustive()).isTrue();
    assertThat(r.holds()).as("%s", r.violation()).isEqualTo(holds);
    assertThat(r.trace().isEmpty()).isEqualTo(holds);
    assertThat(r.violations() == 0).isEqualTo(holds);
    assertThat(r.interleavings()).isGreaterThan(r.violations());
    if (!holds) {
      assertThat(r.trace()).extracting(TraceLine::task).contains("T0");
    }
  }
}
