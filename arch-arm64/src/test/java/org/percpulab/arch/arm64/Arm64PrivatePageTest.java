package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.CpuPrivatePage;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.TestMachines;

/**
 * percpu.access=private-page simulated on arm64: every CPU's TTBR1 table maps its own page at the
 * fixed VA right below the kernel image, through per-CPU tables without a local area.
 */
class Arm64PrivatePageTest {

  private static Machine boot(String page, String va, int cpus, String access) {
    Map<String, String> s = new HashMap<>(Map.of("arch", "arm64", "mm.pageSize", page,
        "mm.vaBits", va, "cpus", Integer.toString(cpus)));
    if (access != null) {
      s.put("percpu.access", access);
    }
    return TestMachines.boot(s);
  }

  /**
   * Per CPU exactly {@code levels} table pages (the path copies at levels 0..levels-2 and one
   * last-level table) plus the page, on every geometry; the range is the last level-(levels-2)
   * entry below KIMAGE_VADDR, cut off the module region.
   */
  @Test
  void exactPagesPerGeometry() {
    String[][] geos = {{"4K", "39", "3"}, {"4K", "48", "4"}, {"4K", "52", "5"}, {"16K", "36", "2"},
        {"16K", "47", "3"}, {"16K", "48", "4"}, {"64K", "42", "2"}, {"64K", "48", "3"},
        {"64K", "52", "3"}};
    for (String[] g : geos) {
      int cpus = 4;
      Machine m = boot(g[0], g[1], cpus, "private-page");
      String what = g[0] + "/" + g[1];
      int levels = Integer.parseInt(g[2]);
      assertThat(m.geometry().levels()).as(what).isEqualTo(levels);
      assertThat(m.localMapActive()).isFalse();
      assertThat(m.kpt().perCpuTables()).isTrue();
      assertThat(m.allocator().perCpuTablePages()).as(what).isEqualTo((long) levels * cpus);
      for (int c = 0; c < cpus; c++) {
        assertThat(m.allocator().tablePagesOfCpu(c)).as(what).isEqualTo(levels);
      }
      assertThat(m.privatePageBytes()).isEqualTo(cpus * m.geometry().pageSize());
      Arm64Layout l = ((Arm64Model) m.model()).arm64Layout();
      CpuPrivatePage pp = m.model().capability(CpuPrivatePage.class).orElseThrow();
      long entry = m.geometry().entrySize(levels - 2);
      assertThat(pp.privateRange()).isEqualTo(new Region("cpu-private", l.kimageVaddr - entry,
          l.kimageVaddr));
      assertThat(m.layout().region("modules").orElseThrow().end()).isEqualTo(l.kimageVaddr - entry);
      for (int c = 0; c < cpus; c++) {
        assertThat(m.cpu(c).translate(pp.pageVa())).as(what + " cpu " + c)
            .isEqualTo(m.privatePagePa(c));
      }
      assertThat(m.privatePagePa(0)).isNotEqualTo(m.privatePagePa(1));
      assertThat(m.engine().translate(m.kpt().swapperPgd(), pp.pageVa())).isNegative();
      m.verifyConsistent();
    }
  }

  /** Without the access: no private page, no per-CPU table; local-map is not touched by it. */
  @Test
  void otherAccessesUnchanged() {
    Machine off = boot("4K", "48", 4, "offset");
    assertThat(off.kpt().perCpuTables()).isFalse();
    assertThat(off.privatePageBytes()).isZero();
    assertThat(off.model().capability(CpuPrivatePage.class)).isEmpty();
    assertThat(off.layout().region("cpu-private")).isEmpty();
    Machine lm = boot("4K", "48", 4, "local-map");
    assertThat(lm.localMapActive()).isTrue();
    assertThat(lm.privatePageBytes()).isZero();
    assertThat(lm.layout().region("cpu-private")).isEmpty();
    // 4K/48: the local area is private from the top level: one pgd copy per CPU before percpu setup
    assertThat(lm.allocator().perCpuTablePages()).isEqualTo(4L);
  }

  /**
   * this_cpu_add in private-page: the count's loads and stores go to the page through the TLB (a
   * walk of 4 levels on the first op, hits after), and the page holds the count (0 after the op).
   */
  @Test
  void countGoesThroughTheWalker() {
    Machine m = boot("4K", "48", 2, "private-page");
    long ptr = TestMachines.givePerCpuPages(m);
    Cpu c = m.cpu(1);
    var seq = m.model().ops().sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.PRIVATE_PAGE);
    long walks = c.walks();
    m.executor().execute(c, ThisCpuOp.ADD, seq, ptr, 5, 0, 8);
    // one walk for the private page, one for the percpu word
    assertThat(c.walks() - walks).isEqualTo(2);
    long hits = c.tlb().hits();
    m.executor().execute(c, ThisCpuOp.ADD, seq, ptr, 5, 0, 8);
    assertThat(c.walks() - walks).isEqualTo(2);
    // four private accesses (ldr, str, ldr, str) and the stadd: five hits
    assertThat(c.tlb().hits() - hits).isEqualTo(5);
    assertThat(m.mem().read(m.privatePagePa(1) + CpuPrivatePage.PREEMPT_COUNT, 4)).isZero();
    assertThat(c.preemptCount()).isZero();
    assertThat(m.mem().read(c.translate(ptr + c.perCpuOffset()), 8)).isEqualTo(10);
  }
}
