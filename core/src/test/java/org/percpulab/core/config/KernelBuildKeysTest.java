package org.percpulab.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** PERCPU_DYNAMIC_RESERVE and PERCPU_MODULE_RESERVE as include/linux/percpu.h (v6.17) has them. */
class KernelBuildKeysTest {

  @Test
  void dynamicReserveFollowsPercpuH() {
    Config none = Config.empty();
    Config random = Config.of(Map.of(KernelBuildKeys.RANDOM_KMALLOC_CACHES, "true"));
    Config both = Config.of(Map.of(KernelBuildKeys.RANDOM_KMALLOC_CACHES, "true",
        KernelBuildKeys.LOCKDEP, "true"));
    Config lockdepOnly = Config.of(Map.of(KernelBuildKeys.LOCKDEP, "true"));
    assertThat(KernelBuildKeys.dynamicReserve(none, 12)).isEqualTo(28L << 10);
    assertThat(KernelBuildKeys.dynamicReserve(lockdepOnly, 14)).isEqualTo(28L << 10);
    assertThat(KernelBuildKeys.dynamicReserve(random, 12)).isEqualTo(28L << 12);
    assertThat(KernelBuildKeys.dynamicReserve(random, 16)).isEqualTo(28L << 12);
    assertThat(KernelBuildKeys.dynamicReserve(both, 12)).isEqualTo(28L << 12);
    assertThat(KernelBuildKeys.dynamicReserve(both, 14)).isEqualTo(28L << 13);
    assertThat(KernelBuildKeys.moduleReserve(none)).isEqualTo(8L << 10);
    assertThat(KernelBuildKeys.moduleReserve(Config.of(Map.of(KernelBuildKeys.MODULES, "false"))))
        .isZero();
  }
}
