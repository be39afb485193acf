package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

class S390LayoutTest {
  private static final long G = 1L << 30;
  private final VaLayout layout = S390Layout.LAYOUT;

  @Test
  void regions() {
    assertThat(layout.regions()).containsExactly(
        new Region("identity", 0L, 0x37200000000L),
        new Region("vmemmap", 0x37200000000L, 0x37fdff7e000L),
        new Region("abs lowcore", 0x37fdff7e000L, 0x37fdfffe000L),
        new Region("memcpy real", 0x37fdffff000L, 0x37fe0000000L),
        new Region("vmalloc", 0x37fe0000000L, 0x3ff60000000L),
        new Region("modules", 0x3ff60000000L, 0x3ffe0000000L),
        new Region("kernel", 0x3ffe0000000L, 0x40000000000L));
    assertThat(layout.pageOffset()).isZero();
    assertThat(layout.physOffset()).isZero();
    assertThat(layout.physToVirt(0x1234000L)).isEqualTo(0x1234000L);
    assertThat(layout.vmallocStart()).isEqualTo(0x37fe0000000L);
    assertThat(layout.vmallocEnd()).isEqualTo(0x3ff60000000L);
    assertThat(layout.kernelImageStart()).isEqualTo(0x3ffe0000000L);
  }

  /** Redo arch/s390/boot/startup.c setup_kernel_memory_layout() for nokaslr, < 4 TiB memory. */
  @Test
  void equalsTheKernelsFormulas() {
    long kernelStart = 0x3ffe0000000L; // CONFIG_KERNEL_IMAGE_BASE
    long modulesEnd = kernelStart & ~((1L << 20) - 1);
    long modulesVaddr = modulesEnd - (2 * G);
    long vmallocEnd = modulesVaddr;
    long vmallocSize = 512 * G - 2 * G; // VMALLOC_DEFAULT_SIZE
    long vmallocStart = vmallocEnd - vmallocSize;
    long memcpyReal = (vmallocStart - 4096) & ~4095L;
    long absLowcore = (memcpyReal - 64 * 8192) & ~8191L;
    long pagesPerSection = 1L << (28 - 12);
    long pages = absLowcore / (4096 + 64);
    pages = (pages + pagesPerSection - 1) / pagesPerSection * pagesPerSection;
    long vmemmapStart = (absLowcore - pages * 64) & ~(2 * G - 1);
    assertThat(S390Layout.MODULES_END).isEqualTo(modulesEnd);
    assertThat(S390Layout.MODULES_VADDR).isEqualTo(modulesVaddr);
    assertThat(S390Layout.VMALLOC_END).isEqualTo(vmallocEnd);
    assertThat(S390Layout.VMALLOC_START).isEqualTo(vmallocStart);
    assertThat(S390Layout.MEMCPY_REAL_AREA).isEqualTo(memcpyReal);
    assertThat(S390Layout.ABS_LOWCORE).isEqualTo(absLowcore);
    assertThat(S390Layout.VMEMMAP_START).isEqualTo(vmemmapStart);
    assertThat(S390Layout.KERNEL_END).isEqualTo(kernelStart + (512L << 20));
  }

  @Test
  void fitsTheSmallestAsceAndIsSorted() {
    List<Region> r = layout.regions();
    for (int i = 1; i < r.size(); i++) {
      assertThat(Long.compareUnsigned(r.get(i - 1).end(), r.get(i).start()))
          .as(r.get(i).name()).isLessThanOrEqualTo(0);
    }
    assertThat(r.get(r.size() - 1).end()).as("region-third ASCE limit").isEqualTo(1L << 42);
    assertThat(S390Layout.PER_CPU_START & 4095).isZero();
  }
}
