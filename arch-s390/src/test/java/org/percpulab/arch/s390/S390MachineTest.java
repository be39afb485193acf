package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.TestMachines;

/**
 * Boots the backend through core's machine model and runs every this_cpu op, size and form
 * through the micro-op executor on real (simulated) memory; the per-op oracle check of every op,
 * size and form lives in core's ArchBackendConformanceTest.
 */
class S390MachineTest {

  static Machine boot(int cpus, String... extra) {
    return TestMachines.boot("s390", cpus, extra);
  }

  /**
   * 4 GiB of RAM as v6.17 boots it (S390BootMappings, arch/s390/boot/vmem.c setup_vmem and
   * arch/s390/mm/vmem.c): region and segment tables are 16 KiB = 4 pages, page tables one 4 KiB
   * page each. Segment tables (4, 16 pages): the first 2 GiB of the identity map (lowcore in pages
   * keeps its region-third entry a table; [1 MiB, 2 GiB) in 1 MiB frames; [2 GiB, 4 GiB) is one
   * 2 GiB frame), vmemmap (64 MiB in 1 MiB frames), the absolute lowcore / memcpy-real segment and
   * the kernel image. Page tables (3): the first MiB (lowcore, amode31 text RO X), the image
   * segment that ro_after_init [22 MiB, 22 MiB + 128 KiB) splits (text [1, 16) and rodata [16, 22)
   * are whole 1 MiB frames) and the absolute lowcore / memcpy-real page table. Every level above
   * the segment tables has one table (everything lies below 4 TiB).
   */
  @Test
  void bootTablesOnEveryGeometry() {
    long[][] pages = {{4, 16, 3}, {4, 4, 16, 3}, {4, 4, 4, 16, 3}};
    String[] vaBits = {"42", "53", "64"};
    for (int g = 0; g < 3; g++) {
      for (int cpus : new int[] {4, 160}) {
        Machine m = boot(cpus, "mm.vaBits", vaBits[g]);
        m.verifyConsistent();
        assertThat(m.geometry().levels()).isEqualTo(3 + g);
        assertThat(m.linearMap().start()).isZero();
        assertThat(m.linearMap().size()).isEqualTo(4L << 30);
        assertThat(m.kernelImage().start()).isEqualTo(0x3ffe0000000L);
        for (int l = 0; l < pages[g].length; l++) {
          assertThat(m.allocator().sharedTablePages(l)).as("va %s level %d", vaBits[g], l)
              .isEqualTo(pages[g][l]);
        }
        assertThat(m.cpu(cpus - 1).translate(0x3ffe0000000L)).as("below _stext")
            .isEqualTo(org.percpulab.core.cpu.Cpu.FAULT);
        assertThat(m.cpu(cpus - 1).translate(0x3ffe0101234L)).isEqualTo(0x101234L);
        assertThat(m.cpu(0).translate(0x80001234L)).isEqualTo(0x80001234L);
        assertThat(m.cpu(0).translate(0x1234L)).as("lowcore").isEqualTo(0x1234L);
        assertThat(m.cpu(0).translate(0x37fdff7e010L)).as("abs lowcore").isEqualTo(0x10L);
        // sparse_buffer_init: one 64 MiB buffer top-down, vmemmap_populate uses it from its start
        assertThat(m.cpu(0).translate(0x37200000010L)).isEqualTo(0xfc000010L);
        assertThat(m.cpu(0).translate(0x37203f00010L)).isEqualTo(0xfff00010L);
      }
    }
  }

  /**
   * The default machine (4 GiB, s390.kasan=false) boots v6.17's region-third kernel ASCE, so its
   * tables are the 42-bit ones ({4, 16, 3}); s390.kasan=true gives the region-second ones.
   */
  @Test
  void defaultMachineBootsTheKernelsAsceType() {
    Machine def = boot(4);
    assertThat(def.geometry()).isSameAs(S390Geometry.REGION3);
    assertThat(def.allocator().sharedTablePages(0)).isEqualTo(4);
    assertThat(def.allocator().sharedTablePages(1)).isEqualTo(16);
    assertThat(def.allocator().sharedTablePages(2)).isEqualTo(3);
    Machine kasan = boot(4, "s390.kasan", "true");
    assertThat(kasan.geometry()).isSameAs(S390Geometry.REGION2);
    assertThat(kasan.allocator().sharedTablePages(1)).as("region-third under the top").isEqualTo(4);
    assertThat(kasan.allocator().sharedTablePages(2)).isEqualTo(16);
  }

  @Test
  void countersStayPerCpu() {
    Machine m = boot(160);
    long ptr = TestMachines.givePerCpuPages(m);
    Random r = new Random(42);
    long[] expect = new long[160];
    for (int i = 0; i < 5000; i++) {
      int cpu = r.nextInt(160);
      long v = r.nextInt(1000);
      m.executor().execute(m.cpu(cpu), ThisCpuOp.ADD, m.model().ops().sequence(ThisCpuOp.ADD, 8,
          OpForm.THIS_CPU, OpMode.BASELINE), ptr + 8, v, 0, 8);
      expect[cpu] += v;
    }
    for (int c = 0; c < 160; c++) {
      Cpu cpu = m.cpu(c);
      assertThat(m.mem().read(cpu.translate(ptr + 8 + cpu.perCpuOffset()), 8))
          .as("seed 42 cpu %d", c).isEqualTo(expect[c]);
    }
    m.verifyConsistent();
  }
}
