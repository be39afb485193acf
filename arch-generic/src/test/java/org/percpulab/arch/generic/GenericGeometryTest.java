package org.percpulab.arch.generic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.Geometry;

class GenericGeometryTest {
  private final Geometry g = GenericGeometry.GEOMETRY;

  @Test
  void shape() {
    assertThat(g.label()).isEqualTo("4K/48-bit/4-level");
    assertThat(g.levels()).isEqualTo(4);
    assertThat(g.pageSize()).isEqualTo(4096);
    int[] shifts = {39, 30, 21, 12};
    String[] names = {"PGD", "PUD", "PMD", "PTE"};
    boolean[] block = {false, true, true, true};
    for (int l = 0; l < 4; l++) {
      assertThat(g.shift(l)).as("shift %d", l).isEqualTo(shifts[l]);
      assertThat(g.entries(l)).as("entries %d", l).isEqualTo(512);
      assertThat(g.tableBytes(l)).as("table bytes %d", l).isEqualTo(4096);
      assertThat(g.levelName(l)).isEqualTo(names[l]);
      assertThat(g.blockAllowed(l)).as("block %d", l).isEqualTo(block[l]);
      assertThat(g.contEntries(l)).isZero();
    }
    assertThat(g.entrySize(1)).isEqualTo(1L << 30);
    assertThat(g.entrySize(2)).isEqualTo(2L << 20);
  }

  @Test
  void indices() {
    long va = 0xffffc90000201000L; // VMALLOC_START + 2 MiB + 4 KiB
    assertThat(g.index(0, va)).isEqualTo(402);
    assertThat(g.index(1, va)).isZero();
    assertThat(g.index(2, va)).isEqualTo(1);
    assertThat(g.index(3, va)).isEqualTo(1);
    assertThat(g.index(0, GenericLayout.PAGE_OFFSET)).isEqualTo(273);
    assertThat(g.index(0, GenericLayout.KERNEL_START)).isEqualTo(511);
  }
}
