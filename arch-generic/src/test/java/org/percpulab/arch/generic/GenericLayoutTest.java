package org.percpulab.arch.generic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

class GenericLayoutTest {
  private final VaLayout layout = GenericLayout.LAYOUT;

  @Test
  void regions() {
    assertThat(layout.regions()).containsExactly(
        new Region("linear", 0xffff888000000000L, 0xffffc88000000000L),
        new Region("vmalloc", 0xffffc90000000000L, 0xffffe90000000000L),
        new Region("vmemmap", 0xffffea0000000000L, 0xffffeb0000000000L),
        new Region("kernel", 0xffffffff80000000L, 0xffffffffa0000000L),
        new Region("modules", 0xffffffffa0000000L, 0xffffffffff000000L));
    assertThat(layout.region("vmalloc").orElseThrow().size()).isEqualTo(32L << 40);
    assertThat(layout.region("linear").orElseThrow().size()).isEqualTo(64L << 40);
    assertThat(layout.vmallocStart()).isEqualTo(0xffffc90000000000L);
    assertThat(layout.vmallocEnd()).isEqualTo(0xffffe90000000000L);
    assertThat(layout.kernelImageStart()).isEqualTo(0xffffffff80000000L);
  }

  @Test
  void sortedAndDisjoint() {
    List<Region> r = layout.regions();
    for (int i = 1; i < r.size(); i++) {
      assertThat(Long.compareUnsigned(r.get(i - 1).end(), r.get(i).start()))
          .as(r.get(i).name()).isLessThanOrEqualTo(0);
    }
  }

  @Test
  void linearMap() {
    assertThat(layout.physToVirt(0x1234000L)).isEqualTo(0xffff888001234000L);
    assertThat(layout.virtToPhys(0xffff888001234000L)).isEqualTo(0x1234000L);
  }

  @Test
  void linearVmallocAndVmemmapHaveTheirOwnPgdEntries() {
    int pgd = GenericGeometry.GEOMETRY.shift(0);
    assertThat(GenericLayout.PAGE_OFFSET >>> pgd & 511).isEqualTo(273);
    assertThat((GenericLayout.LINEAR_END - 1) >>> pgd & 511).isEqualTo(400);
    assertThat(GenericLayout.VMALLOC_START >>> pgd & 511).isEqualTo(402);
    assertThat((GenericLayout.VMALLOC_END - 1) >>> pgd & 511).isEqualTo(465);
    assertThat(GenericLayout.VMEMMAP_START >>> pgd & 511).isEqualTo(468);
  }
}
