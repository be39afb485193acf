package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.TestMachines;

/**
 * s390's experimental local map with percpu set up: the exact per-CPU table pages and the local
 * alias reaching each CPU's own copy.
 */
class S390LocalMapPercpuTest {

  /**
   * Per CPU after setup_per_cpu_areas: the CRST path copies down to the region-third level
   * (P + 1 tables of 4 pages), one segment table (4 pages) and one page table (1 page) for the
   * first chunk's local range (28 pages, inside one 1 MiB segment): 9 (42-bit, P = 0), 13 (53-bit,
   * P = 1), 17 (64-bit, P = 2) pages.
   */
  @Test
  void exactTablePagesPerCpuOnEveryGeometry() {
    String[] vaBits = {"42", "53", "64"};
    long[] perCpu = {9, 13, 17};
    for (int g = 0; g < 3; g++) {
      for (int cpus : new int[] {4, 64}) {
        PercpuSystem s = PercpuSystem.boot(TestMachines.boot("s390", cpus, "mm.vaBits",
            vaBits[g], "percpu.access", "local-map"));
        Machine m = s.machine();
        assertThat(m.allocator().perCpuTablePages()).as("%s-bit %d CPUs", vaBits[g], cpus)
            .isEqualTo(perCpu[g] * cpus);
        for (int c = 0; c < cpus; c++) {
          assertThat(m.allocator().tablePagesOfCpu(c)).isEqualTo(perCpu[g]);
        }
        assertThat(s.localArea().start()).isEqualTo(0x3fe80000000L);
        m.verifyConsistent();
      }
      PercpuSystem off = PercpuSystem.boot(TestMachines.boot("s390", 4, "mm.vaBits", vaBits[g]));
      assertThat(off.machine().allocator().perCpuTablePages()).isZero();
    }
    // the default machine runs v6.17's region-third kernel ASCE: the 42-bit figure
    PercpuSystem def = PercpuSystem.boot(TestMachines.boot("s390", 4, "percpu.access",
        "local-map"));
    assertThat(def.machine().geometry().vaBits()).isEqualTo(42);
    assertThat(def.machine().allocator().perCpuTablePages()).isEqualTo(4 * perCpu[0]);
  }

  /** Seeded: local-map this_cpu_add lands in the running CPU's copy, also in later chunks. */
  @Test
  void localAliasReachesEachCpusCopy() {
    long seed = 13;
    PercpuSystem s = PercpuSystem.boot(TestMachines.boot("s390", 8, "percpu.access",
        "local-map"));
    Machine m = s.machine();
    ThisCpuEngine e = new ThisCpuEngine(s);
    long[] ptrs = new long[40];
    for (int i = 0; i < ptrs.length; i++) {
      ptrs[i] = s.alloc(16384, 8, false);
      assertThat(ptrs[i]).isNotZero();
    }
    long[][] expect = new long[ptrs.length][8];
    Random r = new Random(seed);
    for (int i = 0; i < 4000; i++) {
      int p = r.nextInt(ptrs.length);
      int cpu = r.nextInt(8);
      long v = r.nextInt(100);
      e.op(cpu, ThisCpuOp.ADD, OpForm.THIS_CPU, 8, ptrs[p], v, 0);
      expect[p][cpu] += v;
    }
    for (int p = 0; p < ptrs.length; p++) {
      for (int c = 0; c < 8; c++) {
        long va = s.perCpuPtr(ptrs[p], c);
        assertThat(m.mem().read(m.cpu(c).translate(va), 8)).as("seed %d ptr %d cpu %d", seed, p, c)
            .isEqualTo(expect[p][c]);
      }
    }
    assertThat(s.allocator().chunksCreated()).isGreaterThan(1);
    long first = m.allocator().tablePagesOfCpu(0);
    for (int c = 1; c < 8; c++) {
      assertThat(m.allocator().tablePagesOfCpu(c)).isEqualTo(first);
    }
    m.verifyConsistent();
  }
}
