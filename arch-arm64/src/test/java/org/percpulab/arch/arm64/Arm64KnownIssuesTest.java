package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.testkit.TestMachines;

/** The seed's known issues (KPTI, CnP / shared TLB, memory hotplug) solved in the model. */
class Arm64KnownIssuesTest {

  private static Machine boot(String... kv) {
    Map<String, String> s = new HashMap<>();
    s.put("arch", "arm64");
    for (int i = 0; i < kv.length; i += 2) {
      s.put(kv[i], kv[i + 1]);
    }
    return TestMachines.boot(s);
  }

  /** Maps CPU c's 120 KiB unit at the local area start; returns the PA base used. */
  private static long mapUnits(Machine m, long unit) {
    Arm64Layout l = ((Arm64Model) m.model()).arm64Layout();
    long base = m.layout().physOffset() + (1L << 30);
    for (int c = 0; c < m.cpus().count(); c++) {
      assertThat(m.kpt().mapPrivate(c, l.localStart, base + c * unit, unit,
          m.model().descriptors().prot(ProtKind.KERNEL), m.geometry().pageShift())).isNotNegative();
    }
    return base;
  }

  @Test void kptiTwoStepSwitchKeepsThisCpuOpsOnTheOwnTable() {
    Machine m = boot("cpus", "4", "arm64.kpti", "true");
    long base = mapUnits(m, 122880);
    Arm64Kpti k = new Arm64Kpti(m);
    long page = m.geometry().pageSize();
    assertThat(k.swapperPgdSym() - k.trampPgdSym()).isEqualTo(2 * page);
    assertThat(k.swapperPgdSym() - k.reservedPgdSym()).isEqualTo(page);
    Arm64Layout l = ((Arm64Model) m.model()).arm64Layout();
    long swapper = m.kpt().swapperPgd();
    for (int c = 0; c < 4; c++) {
      long own = m.kpt().pgdOf(c);
      List<Arm64Kpti.Step> t = k.entryAndExit(c, true);
      List<Long> ttbr = new ArrayList<>();
      for (Arm64Kpti.Step s : t) {
        ttbr.add(s.ttbr1Pa());
        if (s.thisCpuOpsRun()) {
          assertThat(s.ttbr1Pa()).as("cpu %d %s", c, s.name()).isEqualTo(own);
        }
      }
      assertThat(ttbr).as("cpu %d", c).containsExactly(k.trampPgd(), swapper, own, own, swapper,
          k.trampPgd());
      Cpu cpu = m.cpu(c);
      assertThat(cpu.translationBase()).isEqualTo(own);
      assertThat(cpu.translate(l.localStart + 8)).isEqualTo(base + c * 122880L + 8);
    }
    // the trampoline table maps only the trampoline alias, global (no nG)
    Cpu c0 = m.cpu(0);
    c0.setTranslationBase(k.trampPgd());
    c0.tlb().flushAll();
    assertThat(c0.translate(l.trampValias)).isEqualTo(m.mem().startPa());
    assertThat(c0.lastProt() & Arm64Descriptors.NG).isZero();
    assertThat(c0.translate(l.pageOffset)).isEqualTo(Cpu.FAULT);
    c0.setTranslationBase(m.kpt().pgdOf(0));
    m.verifyConsistent();
  }

  @Test void kptiOneStepRunsThisCpuOpsOnSwapperWhereTheLocalAreaFaults() {
    Machine m = boot("cpus", "2", "arm64.kpti", "true");
    mapUnits(m, 122880);
    Arm64Kpti k = new Arm64Kpti(m);
    Arm64Layout l = ((Arm64Model) m.model()).arm64Layout();
    List<Arm64Kpti.Step> t = k.entryAndExit(1, false);
    Arm64Kpti.Step c = t.stream().filter(Arm64Kpti.Step::thisCpuOpsRun).findFirst().orElseThrow();
    assertThat(c.ttbr1Pa()).isEqualTo(m.kpt().swapperPgd()).isNotEqualTo(m.kpt().pgdOf(1));
    Cpu cpu = m.cpu(1);
    cpu.setTranslationBase(c.ttbr1Pa());
    cpu.tlb().flushAll();
    assertThat(cpu.translate(l.localStart)).isEqualTo(Cpu.FAULT);
  }

  @Test void cnpNeverOnPerCpuTtbr1() {
    assertThat(Arm64Ttbr.ttbr1(0x41000000L, 0, true, false)).isEqualTo(0x41000001L);
    assertThat(Arm64Ttbr.ttbr1(0x41000000L, 0, true, true)).isEqualTo(0x41000000L);
    assertThat(Arm64Ttbr.ttbr1(0x41000000L, 2, false, false)).isEqualTo(0x0002000041000000L);
  }

  @Test void sharedTlbForcedShowsTheWrongCopy() {
    Machine m = boot("cpus", "4", "topology.threadsPerCore", "2", "tlb.shared", "smt",
        "percpu.localMap", "force");
    assertThat(m.localMapActive()).isTrue();
    long base = mapUnits(m, 122880);
    Arm64Layout l = ((Arm64Model) m.model()).arm64Layout();
    long va = l.localStart + 0x40;
    assertThat(m.cpu(0).translate(va)).isEqualTo(base + 0x40);
    // CPU1 is CPU0's SMT sibling: the shared TLB hands it CPU0's copy
    long seen = m.cpu(1).translate(va);
    assertThat(seen).isEqualTo(base + 0x40).isNotEqualTo(base + 122880 + 0x40);
    // its own table says otherwise
    m.cpu(1).tlb().flushAll();
    assertThat(m.cpu(1).translate(va)).isEqualTo(base + 122880 + 0x40);
    // and with auto the gate refuses
    Machine auto = boot("cpus", "4", "topology.threadsPerCore", "2", "tlb.shared", "smt");
    assertThat(auto.localMapActive()).isFalse();
    assertThat(auto.gate().reason()).startsWith("SMT siblings share a TLB");
  }

  @Test void memoryHotplugKeepsEveryCpuConsistent() {
    for (String[] g : new String[][] {{"4096", "48"}, {"4096", "39"}, {"16384", "47"},
        {"65536", "42"}, {"65536", "48"}, {"16384", "48"}, {"4096", "52"}}) {
      Machine m = boot("cpus", "4", "mm.pageSize", g[0], "mm.vaBits", g[1]);
      mapUnits(m, (122880 + m.geometry().pageSize() - 1) & -m.geometry().pageSize());
      Arm64MemoryHotplug hp = new Arm64MemoryHotplug(m);
      KernelPageTables kpt = m.kpt();
      long pa = m.layout().physOffset() + (8L << 30);
      long size = 128L << 20;
      long boot = kpt.sharedTablePages();
      // A first cycle may leave the vmemmap table that straddles VMEMMAP_START: free_empty_tables
      // only frees tables whose span lies within [floor, ceiling) (pgtable_range_aligned); on a
      // real machine boot memory's vmemmap already owns it. The model boots without vmemmap.
      assertThat(hp.addMemory(pa, size)).isZero();
      hp.removeMemory(pa, size);
      long shared0 = kpt.sharedTablePages();
      assertThat(shared0 - boot).as("straddling tables kept").isBetween(0L,
          (long) m.geometry().levels() - 1);
      long perCpu0 = kpt.perCpuTablePages();
      assertThat(hp.addMemory(pa, size)).as(g[0] + "/" + g[1]).isZero();
      m.verifyConsistent();
      long va = m.layout().physToVirt(pa + 0x1234000L);
      for (int c = 0; c < 4; c++) {
        assertThat(m.cpu(c).translate(va)).as("cpu %d", c).isEqualTo(pa + 0x1234000L);
      }
      assertThat(hp.addMemory(pa, size)).isEqualTo(-16);
      assertThat(hp.addMemory(pa + 1, size)).isEqualTo(-22);
      long flushes = m.cpus().broadcastRangeFlushes();
      hp.removeMemory(pa, size);
      Geometry geo = m.geometry();
      assertThat(m.cpus().broadcastRangeFlushes() - flushes).as("one flush per PTE + vmemmap")
          .isGreaterThanOrEqualTo(size / geo.pageSize());
      m.verifyConsistent();
      for (int c = 0; c < 4; c++) {
        assertThat(m.cpu(c).translate(va)).as("cpu %d after remove", c).isEqualTo(Cpu.FAULT);
      }
      assertThat(kpt.sharedTablePages()).as("tables freed").isEqualTo(shared0);
      assertThat(kpt.perCpuTablePages()).isEqualTo(perCpu0);
    }
  }

  @Test void randomHotplugSequences() {
    for (long seed : new long[] {1, 2, 3, 42}) {
      Random rnd = new Random(seed);
      Machine m = boot("cpus", "4");
      Arm64MemoryHotplug hp = new Arm64MemoryHotplug(m);
      long section = 128L << 20;
      long first = m.layout().physOffset() + (8L << 30);
      boolean[] present = new boolean[8];
      for (int step = 0; step < 20; step++) {
        int i = rnd.nextInt(8);
        long pa = first + i * section;
        if (present[i]) {
          hp.removeMemory(pa, section);
          present[i] = false;
        } else {
          assertThat(hp.addMemory(pa, section)).as("seed %d step %d", seed, step).isZero();
          present[i] = true;
        }
        m.verifyConsistent();
        for (int j = 0; j < 8; j++) {
          long va = m.layout().physToVirt(first + j * section);
          long got = m.cpu(step % 4).translate(va);
          assertThat(got).as("seed %d step %d section %d", seed, step, j)
              .isEqualTo(present[j] ? first + j * section : Cpu.FAULT);
        }
      }
    }
  }
}
