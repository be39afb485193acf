package org.percpulab.mm.percpu.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
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
 * The case x access matrix of {@code explore} on arm64 (2 CPUs), pinned: which access each review
 * hazard breaks, and that the enumeration within the bounds is exhaustive. Every access runs at
 * the CLI's default bounds (2 preemptions, 1 interrupt), so the pinned verdicts are the ones
 * {@code explore --all} prints. Non-local accesses leave {@code percpu.localMap} at auto (the boot
 * decides the gate from the access), as the CLI does. The machines get 64M (the CLI boots 256M):
 * a smaller linear map boots faster, and no case allocates more than a few percpu words.
 */
class PercpuExploreMatrixTest {

  static ExploreResult explore(String name, String access) {
    return explore(name, access, Map.of());
  }

  static ExploreResult explore(String name, String access, Map<String, String> more) {
    PercpuExploreCases.Case c = PercpuExploreCases.byName(name);
    boolean local = access.equals("local-map");
    Map<String, String> cfg = new HashMap<>(Map.of("arch", "arm64", "cpus", "2",
        "percpu.access", access, "mm.memory", "64M"));
    if (local) {
      cfg.put("percpu.localMap", name.equals("shared-tlb") ? "force" : "on");
    }
    cfg.putAll(c.config());
    cfg.putAll(more);
    Machine m = TestMachines.boot(cfg);
    PercpuSystem s = PercpuSystem.boot(m);
    return new InterleavingExplorer(m.executor()).explore(c.build().apply(s),
        ExploreBounds.DEFAULT);
  }

  @ParameterizedTest(name = "{0} / {1} -> holds={2}")
  @CsvSource({
      "add-no-protection, offset, false",
      "add-no-protection, local-map, true",
      "add-no-protection, private-page, false",
      "add-no-protection, marker-fixup, true",
      "add-no-protection, restart, true",
      "add-no-protection, segment, true",
      "mixed-forms, offset, false",
      "mixed-forms, local-map, false",
      "mixed-forms, private-page, false",
      "mixed-forms, marker-fixup, false",
      "mixed-forms, restart, false",
      "mixed-forms, segment, true",
      "write-after-migration, offset, false",
      "write-after-migration, local-map, true",
      "write-after-migration, private-page, false",
      "write-after-migration, marker-fixup, true",
      "write-after-migration, restart, true",
      "write-after-migration, segment, true",
      "read-then-write, offset, true",
      "read-then-write, local-map, true",
      "read-then-write, private-page, true",
      "read-then-write, marker-fixup, true",
      "read-then-write, restart, true",
      "read-then-write, segment, true",
      "cmpxchg-remote, offset, true",
      "cmpxchg-remote, local-map, true",
      "cmpxchg-remote, private-page, true",
      "cmpxchg-remote, marker-fixup, true",
      "cmpxchg-remote, restart, false",
      "cmpxchg-remote, segment, true",
      "alias-escape, offset, true",
      "alias-escape, local-map, false",
      "alias-escape, private-page, true",
      "alias-escape, marker-fixup, true",
      "alias-escape, restart, true",
      "alias-escape, segment, true",
      "shared-tlb, offset, true",
      "shared-tlb, local-map, false",
      "shared-tlb, private-page, true",
      "shared-tlb, marker-fixup, true",
      "shared-tlb, restart, true",
      "shared-tlb, segment, true"})
  void matrix(String name, String access, boolean holds) {
    ExploreResult r = explore(name, access);
    assertThat(r.exhaustive()).isTrue();
    assertThat(r.holds()).as("%s", r.violation()).isEqualTo(holds);
    assertThat(r.trace().isEmpty()).isEqualTo(holds);
    assertThat(r.violations() == 0).isEqualTo(holds);
    assertThat(r.interleavings()).isGreaterThan(r.violations());
    if (!holds) {
      assertThat(r.trace()).extracting(TraceLine::task).contains("T0");
    }
  }

  /**
   * read-then-write breaks the local map only when {@code __this_cpu_*} use the alias too
   * (percpu.localForms=all, the seed); the default auto keeps them on TPIDR, where it holds.
   */
  @Test
  void readThenWriteBreaksLocalMapOnlyWithAllFormsOnTheAlias() {
    ExploreResult r = explore("read-then-write", "local-map", Map.of("percpu.localForms", "all"));
    assertThat(r.exhaustive()).isTrue();
    assertThat(r.holds()).isFalse();
    assertThat(r.trace()).isNotEmpty();
  }
}
