package org.percpulab.arch.generic;

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
class GenericMachineTest {

  static Machine boot(int cpus, String... extra) {
    return TestMachines.boot("generic", cpus, extra);
  }

  /**
   * 4 GiB linear map from PAGE_OFFSET in 1 GiB PUD blocks (one PUD table); 32 MiB kernel image at
   * 0xffffffff80000000 in pages (text/rodata/data): one PUD, one PMD and 16 PTE tables; vmemmap
   * for 4 GiB (64 MiB of struct pages at 0xffffea0000000000 in 2 MiB PMD blocks, top-down from the
   * end of RAM): one PUD and one PMD table (GenericBootMappings); plus the PGD.
   */
  @Test
  void bootTables() {
    Machine m = boot(4);
    assertThat(m.linearMap().start()).isEqualTo(0xffff888000000000L);
    assertThat(m.linearMap().size()).isEqualTo(4L << 30);
    assertThat(m.kernelImage().start()).isEqualTo(0xffffffff80000000L);
    long[] pages = {1, 3, 2, 16};
    for (int l = 0; l < 4; l++) {
      assertThat(m.allocator().sharedTablePages(l)).as("level %d", l).isEqualTo(pages[l]);
    }
    assertThat(m.cpu(3).translate(0xffff888040001234L)).isEqualTo(0x40001234L);
    assertThat(m.cpu(0).translate(0xffffffff80005678L)).isEqualTo(0x5678L);
    assertThat(m.cpu(0).translate(0xffffea0000000010L)).isEqualTo(0xffe00010L);
    assertThat(m.cpu(0).translate(0xffffea0003e00010L)).isEqualTo(0xfc000010L);
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
