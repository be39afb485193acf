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
   * 4 GiB identity map at 0 in 2 GiB region-third frames; 32 MiB kernel image at 0x3ffe0000000 in
   * pages (one segment table, 32 page tables of 2 KiB, each on its own 4 KiB page). Region and
   * segment tables are 16 KiB = 4 pages. Identity map and image share the region-third table
   * (both below 4 TiB), so every level above the segment table has one table. Boot also maps
   * vmemmap for 4 GiB (S390BootMappings: 64 MiB of struct pages at 0x37200000000 in 1 MiB segment
   * frames, top-down from the end of RAM): one more segment table (4 pages) in the same
   * region-third table. The image is text/rodata/data, still in pages.
   */
  @Test
  void bootTablesOnEveryGeometry() {
    long[][] pages = {{4, 8, 32}, {4, 4, 8, 32}, {4, 4, 4, 8, 32}};
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
        assertThat(m.cpu(cpus - 1).translate(0x3ffe0001234L)).isEqualTo(0x1234L);
        assertThat(m.cpu(0).translate(0x80001234L)).isEqualTo(0x80001234L);
        assertThat(m.cpu(0).translate(0x37200000010L)).isEqualTo(0xfff00010L);
        assertThat(m.cpu(0).translate(0x37203f00010L)).isEqualTo(0xfc000010L);
      }
    }
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
