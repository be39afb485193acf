package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** arch/s390/boot/startup.c setup_kernel_memory_layout's ASCE choice (v6.17). */
class S390AsceChoiceTest {
  private static final long G = 1L << 30;

  @Test
  void regionThirdUnlessKasanOrHugeWithKaslr() {
    assertThat(S390AsceChoice.FIXMAP_SIZE).isEqualTo(0x82000L);
    for (long mem : new long[] {G, 4 * G, 64 * G, 1024 * G}) {
      assertThat(S390AsceChoice.kernelLevels(mem, false, true)).as("%d GiB", mem / G).isEqualTo(3);
      assertThat(S390AsceChoice.kernelLevels(mem, false, false)).isEqualTo(3);
      assertThat(S390AsceChoice.kernelLevels(mem, true, true)).as("KASAN").isEqualTo(4);
    }
    // 3 TiB: 3074 + 48 (vmemmap) + 2 + 2 + 510 (vmalloc) GiB + FIXMAP = about 3.55 TiB: 3 levels
    assertThat(S390AsceChoice.kernelLevels(3072 * G, false, true)).isEqualTo(3);
    // 3.5 TiB: 3586 + 56 + 2 + 2 + 510 GiB > 4 TiB: region-second with KASLR only
    assertThat(S390AsceChoice.kernelLevels(3584 * G, false, true)).isEqualTo(4);
    assertThat(S390AsceChoice.kernelLevels(3584 * G, false, false)).as("nokaslr").isEqualTo(3);
    assertThat(S390Geometry.forLevels(S390AsceChoice.kernelLevels(4 * G, false, true)))
        .isSameAs(S390Geometry.REGION3);
  }
}
