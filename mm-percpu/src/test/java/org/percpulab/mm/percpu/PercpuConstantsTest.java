package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercpuConstantsTest {
  @Test
  void kernelValues() {
    assertThat(PercpuConstants.PCPU_MIN_ALLOC_SHIFT).isEqualTo(2);
    assertThat(PercpuConstants.PCPU_MIN_ALLOC_SIZE).isEqualTo(4);
    assertThat(PercpuConstants.PCPU_SLOT_BASE_SHIFT).isEqualTo(5);
    assertThat(PercpuConstants.PCPU_SLOT_FAIL_THRESHOLD).isEqualTo(3);
    assertThat(PercpuConstants.PCPU_EMPTY_POP_PAGES_LOW).isEqualTo(2);
    assertThat(PercpuConstants.PCPU_EMPTY_POP_PAGES_HIGH).isEqualTo(4);
    assertThat(PercpuConstants.PERCPU_MODULE_RESERVE).isEqualTo(8192);
    assertThat(PercpuConstants.PERCPU_DYNAMIC_EARLY_SIZE).isEqualTo(20480);
    assertThat(PercpuConstants.PERCPU_DYNAMIC_RESERVE).isEqualTo(28672);
    assertThat(PercpuConstants.LOCAL_DISTANCE).isEqualTo(10);
    assertThat(PercpuConstants.minUnitSize(4096)).isEqualTo(32768);
    assertThat(PercpuConstants.minUnitSize(16384)).isEqualTo(32768);
    assertThat(PercpuConstants.minUnitSize(65536)).isEqualTo(65536);
    assertThat(PercpuConstants.bitmapBlockBits(4096)).isEqualTo(1024);
  }

  @Test
  void sizeToSlotIsMaxOfFlsMinusThreeAndOne() {
    assertThat(PercpuConstants.sizeToSlotRaw(4)).isEqualTo(1);
    assertThat(PercpuConstants.sizeToSlotRaw(31)).isEqualTo(2);
    assertThat(PercpuConstants.sizeToSlotRaw(32)).isEqualTo(3);
    assertThat(PercpuConstants.sizeToSlotRaw(4096)).isEqualTo(10);
    assertThat(PercpuConstants.sizeToSlotRaw(122880)).isEqualTo(14);
  }
}
