package org.percpulab.arch.generic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.TranslationRoots;
import org.percpulab.core.testkit.MapConfigView;
import org.percpulab.core.testkit.TestMachines;

/** generic.roots and the experimental generic.localMap: defaults leave the oracle unchanged. */
class GenericRootsTest {

  private static ArchModel model(Map<String, String> c) {
    return new GenericBackend().configure(new MapConfigView(Map.of(), c));
  }

  @Test
  void singleRootAndNoLocalMapByDefault() {
    ArchModel m = model(Map.of());
    assertThat(m.translationRoots()).isEqualTo(TranslationRoots.SINGLE);
    assertThat(m.capability(LocalPerCpuMap.class)).isEmpty();
    Machine booted = TestMachines.boot(Map.of("arch", "generic", "cpus", "2"));
    assertThat(booted.localMapActive()).isFalse();
    assertThat(booted.gate().reason()).isEqualTo(
        "backend generic does not select HAVE_LOCAL_PER_CPU_MAP");
  }

  @Test
  void keysChooseSplitAndTheLocalMap() {
    ArchModel m = model(Map.of("generic.roots", "split", "generic.localMap", "on",
        "percpu.localMap", "on"));
    assertThat(m.translationRoots()).isEqualTo(TranslationRoots.SPLIT);
    LocalPerCpuMap lm = m.capability(LocalPerCpuMap.class).orElseThrow();
    assertThat(lm.localArea().start()).isEqualTo(GenericLayout.VMALLOC_END);
    assertThat(lm.localArea().end() - lm.localArea().start()).isEqualTo(1L << 39);
    assertThat(lm.privateLevel()).isZero();
    Machine booted = TestMachines.boot(Map.of("arch", "generic", "cpus", "2",
        "generic.localMap", "on"));
    assertThat(booted.localMapActive()).isTrue();
  }

  @Test
  void badRootsValueIsAOneLineProblem() {
    assertThat(new GenericBackend().validate(new MapConfigView(Map.of(), Map.of("generic.roots", "dual"))))
        .singleElement().satisfies(p -> assertThat(p.message())
            .contains("generic.roots").contains("single|split"));
  }
}
