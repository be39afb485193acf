package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.testkit.KptShadow;
import org.percpulab.core.testkit.PageTableChecks;
import org.percpulab.core.testkit.Seeds;
import org.percpulab.core.testkit.TestMachines;

/**
 * The two geometries whose local area is private from level 1 (16K/48-bit: 2 top-level entries of
 * 128 TiB; 4K/52-bit: 16 of 256 TiB): the top-level entry holding the local area also holds the
 * kernel image, vmalloc and vmemmap, reached on every CPU through its own level-1 copy whose other
 * entries are synced with swapper's.
 */
class Arm64PrivateLevelTest {

  private static Machine boot(int pageSize, int vaBits, int cpus) {
    return TestMachines.boot(Map.of("arch", "arm64", "mm.pageSize", Integer.toString(pageSize),
        "mm.vaBits", Integer.toString(vaBits), "cpus", Integer.toString(cpus)));
  }

  private static Arm64Layout layout(Machine m) {
    return ((Arm64Model) m.model()).arm64Layout();
  }

  /**
   * Shared windows (whole entries, so that freeing empty tables is exact): the level-1 entry of
   * vmalloc just below the local area and the first whole level-1 entry of vmemmap (both in the
   * top-level entry holding the local area), and an unused whole level-1 entry of the linear map
   * (another top-level entry).
   */
  private static List<long[]> windows(Machine m) {
    Arm64Layout l = layout(m);
    long e1 = m.geometry().entrySize(1);
    long vmemmap = (l.vmemmapStart + e1 - 1) & -e1;
    assertThat(Long.compareUnsigned(vmemmap + e1, l.vmemmapEnd)).as("vmemmap window").isLessThan(1);
    long linear = (l.pageOffset + m.mem().bytes() + 2 * e1 - 1) & -e1;
    return List.of(new long[] {l.localStart - e1, e1}, new long[] {vmemmap, e1},
        new long[] {linear, e1});
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"16384, 48", "4096, 52"})
  void randomSharedAndPrivateMappingsKeepEveryCpuConsistent(int pageSize, int vaBits) {
    Seeds.run(4, (rnd, log) -> {
      Machine m = boot(pageSize, vaBits, 4);
      KernelPageTables k = m.kpt();
      PageTableEngine e = m.engine();
      Geometry g = m.geometry();
      Arm64Layout l = layout(m);
      assertThat(k.privateLevel()).isEqualTo(1);
      assertThat(g.index(0, l.localStart)).as("the area shares its top-level entry with vmalloc")
          .isEqualTo(g.index(0, l.vmallocStart));
      int ps = g.pageShift();
      long page = g.pageSize();
      long blk = g.entrySize(g.levels() - 2);
      long hot = 4 * blk;
      long prot = m.model().descriptors().prot(ProtKind.KERNEL);
      List<long[]> windows = windows(m);
      long lhot = Math.min(l.localEnd - l.localStart, hot);
      long bootShared = k.sharedTablePages();
      long bootPerCpu = k.perCpuTablePages();
      assertThat(bootPerCpu).as("pgd + level-1 copy per CPU").isEqualTo(8);
      KptShadow shadow = new KptShadow();
      for (int step = 0; step < 50; step++) {
        int kind = rnd.nextInt(10);
        if (kind < 6 || shadow.maps().isEmpty()) {
          boolean priv = rnd.nextInt(3) == 0;
          int cpu = priv ? rnd.nextInt(4) : -1;
          long[] w = priv ? new long[] {l.localStart, l.localEnd - l.localStart}
              : windows.get(rnd.nextInt(windows.size()));
          long wHot = priv ? lhot : hot;
          long wBase = rnd.nextBoolean() ? w[0] : w[0] + w[1] - wHot;
          boolean pages = rnd.nextBoolean();
          KptShadow.Mapping q = KptShadow.random(rnd, cpu, wBase, wHot, pages, blk, ps,
              m.mem().startPa() >>> ps, 1 << 14, m.mem().startPa(), 32);
          int maxShift = pages || rnd.nextBoolean() ? 63 : ps;
          boolean overlaps = shadow.overlaps(q);
          log.op("%s", q.describe(maxShift));
          int r = shadow.map(k, q, prot, maxShift);
          log.op("  -> %d", r);
          assertThat(r >= 0).as("maps unless overlapping (%d)", r).isEqualTo(!overlaps);
          if (r < 0) {
            assertThat(r).isEqualTo(PageTableEngine.EBUSY);
          }
        } else if (kind < 9) {
          KptShadow.Mapping x = shadow.removeRandom(rnd);
          log.op("unmap cpu=%d va=0x%x size=0x%x", x.cpu(), x.va(), x.size());
          KptShadow.unmap(k, x);
          m.cpus().flushKernelRange(x.va(), x.size());
        } else if (rnd.nextBoolean()) {
          long[] w = windows.get(rnd.nextInt(windows.size()));
          log.op("freeEmptyShared 0x%x +0x%x", w[0], w[1]);
          k.freeEmptyShared(w[0], w[1]);
        } else {
          int cpu = rnd.nextInt(4);
          log.op("freeEmptyPrivate cpu=%d", cpu);
          k.freeEmptyPrivate(cpu, l.localStart, l.localEnd - l.localStart);
        }
        m.verifyConsistent();
        check(m, shadow, windows, rnd, hot, lhot);
      }
      shadow.unmapAll(k);
      for (long[] w : windows) {
        k.freeEmptyShared(w[0], w[1]);
      }
      for (int c = 0; c < 4; c++) {
        k.freeEmptyPrivate(c, l.localStart, l.localEnd - l.localStart);
      }
      m.verifyConsistent();
      assertThat(k.sharedTablePages()).as("shared tables back at boot").isEqualTo(bootShared);
      assertThat(k.perCpuTablePages()).as("per-CPU tables back at boot").isEqualTo(bootPerCpu);
      PageTableChecks.assertTablesReachable(m);
    });
  }

  private static void check(Machine m, KptShadow shadow, List<long[]> windows, Random rnd,
      long hot, long lhot) {
    int ps = m.geometry().pageShift();
    long page = m.geometry().pageSize();
    Arm64Layout l = layout(m);
    for (KptShadow.Mapping x : shadow.maps()) {
      long off = ((rnd.nextLong() >>> 1) % (x.size() / page)) * page + 8;
      long va = x.va() + off;
      for (int c = 0; c < 4; c++) {
        long want = x.cpu() < 0 || x.cpu() == c ? x.paAt(off, ps)
            : shadow.expect(c, va, ps, Cpu.FAULT);
        assertThat(m.cpu(c).translate(va)).as("cpu %d va 0x%x", c, va).isEqualTo(want);
      }
    }
    for (int i = 0; i < 8; i++) {
      long[] w = windows.get(rnd.nextInt(windows.size()));
      long from = rnd.nextBoolean() ? w[0] : w[0] + w[1] - hot;
      long va = from + ((rnd.nextLong() >>> 1) % (hot / page)) * page;
      long want = shadow.expect(-1, va, ps, Cpu.FAULT);
      assertThat(m.engine().translate(m.kpt().swapperPgd(), va)).as("swapper 0x%x", va)
          .isEqualTo(want);
      for (int c = 0; c < 4; c++) {
        assertThat(m.cpu(c).translate(va)).as("cpu %d shared 0x%x", c, va).isEqualTo(want);
      }
      long la = l.localStart + ((rnd.nextLong() >>> 1) % (lhot / page)) * page;
      for (int c = 0; c < 4; c++) {
        assertThat(m.cpu(c).translate(la)).as("cpu %d local 0x%x", c, la)
            .isEqualTo(shadow.expect(c, la, ps, Cpu.FAULT));
      }
    }
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"16384, 48", "4096, 52"})
  void memoryHotplugSyncsOnlyThePathLevelsItChanges(int pageSize, int vaBits) {
    // 32 CPUs and 32 MiB: removal flushes every CPU's TLB once per PTE, as the kernel does
    int cpus = 32;
    Machine m = boot(pageSize, vaBits, cpus);
    KernelPageTables k = m.kpt();
    Geometry g = m.geometry();
    Arm64Layout l = layout(m);
    long unit = (122880 + g.pageSize() - 1) & -g.pageSize();
    long base = m.layout().physOffset() + (1L << 30);
    for (int c = 0; c < cpus; c++) {
      assertThat(k.mapPrivate(c, l.localStart, base + c * unit, unit,
          m.model().descriptors().prot(ProtKind.KERNEL), g.pageShift())).isNotNegative();
    }
    Arm64MemoryHotplug hp = new Arm64MemoryHotplug(m);
    long pa = m.layout().physOffset() + (8L << 30);
    long size = 32L << 20;
    long shared = k.sharedTablePages();
    long perCpu = k.perCpuTablePages();
    long top = k.syncedEntries(0);
    long lvl1 = k.syncedEntries(1);
    assertThat(hp.addMemory(pa, size)).isZero();
    m.verifyConsistent();
    // the linear map lies in another top-level entry that already has its table: no sync at all;
    // boot already populated vmemmap for boot RAM under the path slot, so the hot-added section's
    // struct pages land under a level-1 entry every copy already shares: no sync either
    assertThat(k.syncedEntries(0) - top).as("top-level entries synced").isZero();
    assertThat(k.syncedEntries(1) - lvl1).as("level-1 entries synced").isZero();
    long va = m.layout().physToVirt(pa + 0x1234000L);
    long vm = l.vmemmapStart + ((pa - m.layout().physOffset()) >>> g.pageShift()) * 64;
    long vmPa = m.engine().translate(k.swapperPgd(), vm);
    assertThat(vmPa).as("vmemmap mapped").isNotEqualTo(-1);
    for (int c : new int[] {0, 1, 17, cpus - 1}) {
      assertThat(m.cpu(c).translate(va)).as("cpu %d linear", c).isEqualTo(pa + 0x1234000L);
      assertThat(m.cpu(c).translate(vm)).as("cpu %d vmemmap", c).isEqualTo(vmPa);
      assertThat(m.cpu(c).translate(l.localStart + 8)).as("cpu %d local", c)
          .isEqualTo(base + c * unit + 8);
    }
    hp.removeMemory(pa, size);
    m.verifyConsistent();
    // free_empty_tables(floor = VMEMMAP_START): tables still holding boot vmemmap are kept, so no
    // level-1 entry is cleared and nothing is synced on removal
    assertThat(k.syncedEntries(1) - lvl1).as("no level-1 entry cleared").isZero();
    assertThat(k.syncedEntries(0) - top).isZero();
    for (int c : new int[] {0, cpus - 1}) {
      assertThat(m.cpu(c).translate(va)).as("cpu %d after remove", c).isEqualTo(Cpu.FAULT);
      assertThat(m.cpu(c).translate(vm)).as("cpu %d vmemmap after remove", c)
          .isEqualTo(Cpu.FAULT);
    }
    assertThat(k.perCpuTablePages()).isEqualTo(perCpu);
    assertThat(k.sharedTablePages() - shared).as("every table hot-add created is freed again")
        .isZero();
    PageTableChecks.assertTablesReachable(m);
  }

  /**
   * Whole dumps of CPU 0's table on a 1 GiB machine with each CPU's first-chunk unit mapped at the
   * local area start: folded level names (4 levels: PGD PUD PMD PTE; 5 levels: PGD P4D PUD PMD
   * PTE), the local area under its own markers, swapper identical except there, and the diff of
   * CPU 0 and CPU 1 showing only the local area.
   */
  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"16384, 48", "4096, 52"})
  void ptdumpOfACpuDiffersFromSwapperOnlyInTheLocalArea(int pageSize, int vaBits) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "mm.pageSize",
        Integer.toString(pageSize), "mm.vaBits", Integer.toString(vaBits), "cpus", "4",
        "mm.memory", "1G"));
    Arm64Layout l = layout(m);
    long unit = (122880 + pageSize - 1) & -pageSize;
    long base = m.layout().physOffset() + (512L << 20);
    for (int c = 0; c < 4; c++) {
      assertThat(m.kpt().mapPrivate(c, l.localStart, base + c * unit, unit,
          m.model().descriptors().prot(ProtKind.KERNEL), m.geometry().pageShift())).isNotNegative();
    }
    m.verifyConsistent();
    PtdumpTables t = m.model().capability(PtdumpTables.class).orElseThrow();
    boolean k16 = pageSize == 16384;
    List<String> cpu0 = Ptdump.dump(t, EngineNotes.of(m.engine(), m.kpt().pgdOf(0)), pageSize);
    assertThat(cpu0).containsExactly(k16 ? CPU0_16K_48 : CPU0_4K_52);
    List<String> swapper = new ArrayList<>(cpu0);
    int a = swapper.indexOf("---[ percpu local area ]---");
    int b = swapper.indexOf("---[ percpu local area end ]---");
    swapper.subList(a, b + 1).clear();
    swapper.addAll(a, List.of(k16 ? SWAPPER_LOCAL_16K_48 : SWAPPER_LOCAL_4K_52));
    assertThat(Ptdump.dump(t, EngineNotes.of(m.engine(), m.kpt().swapperPgd()), pageSize))
        .containsExactlyElementsOf(swapper);
    String line = String.format("0x%016x-0x%016x         %s PTE       RW NX %s AF            UXN"
        + "    MEM/NORMAL pa=0x", l.localStart, l.localStart + unit, k16 ? "128K" : "120K",
        k16 ? "SHD" : "   ");
    assertThat(Ptdump.diffCpus(t, m.model().descriptors(), EngineNotes.of(m.engine(),
        m.kpt().pgdOf(0)), EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), pageSize))
        .containsExactly("----[ percpu local area ]---", "-" + line + Long.toHexString(base),
            "+---[ percpu local area ]---", "+" + line + Long.toHexString(base + unit));
  }

  /** KPTI's two-step TTBR1 switch with per-CPU tables whose local area is private from level 1. */
  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({"16384, 48", "4096, 52"})
  void kptiTwoStepSwitchRunsThisCpuOpsOnTheOwnTable(int pageSize, int vaBits) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "mm.pageSize",
        Integer.toString(pageSize), "mm.vaBits", Integer.toString(vaBits), "cpus", "4",
        "arm64.kpti", "true"));
    Arm64Layout l = layout(m);
    long unit = (122880 + pageSize - 1) & -pageSize;
    long base = m.layout().physOffset() + (1L << 30);
    for (int c = 0; c < 4; c++) {
      assertThat(m.kpt().mapPrivate(c, l.localStart, base + c * unit, unit,
          m.model().descriptors().prot(ProtKind.KERNEL), m.geometry().pageShift())).isNotNegative();
    }
    Arm64Kpti k = new Arm64Kpti(m);
    long swapper = m.kpt().swapperPgd();
    for (int c = 0; c < 4; c++) {
      long own = m.kpt().pgdOf(c);
      List<Long> ttbr = new ArrayList<>();
      for (Arm64Kpti.Step s : k.entryAndExit(c, true)) {
        ttbr.add(s.ttbr1Pa());
        if (s.thisCpuOpsRun()) {
          assertThat(s.ttbr1Pa()).as("cpu %d %s", c, s.name()).isEqualTo(own);
        }
      }
      assertThat(ttbr).as("cpu %d", c).containsExactly(k.trampPgd(), swapper, own, own, swapper,
          k.trampPgd());
      assertThat(m.cpu(c).translate(l.localStart + 8)).isEqualTo(base + c * unit + 8);
      assertThat(m.cpu(c).translate(l.vmallocStart)).as("kernel image through the level-1 copy")
          .isEqualTo(m.engine().translate(swapper, l.vmallocStart)).isNotEqualTo(Cpu.FAULT);
    }
    m.verifyConsistent();
  }

  private static final String[] CPU0_16K_48 = {
      "---[ Linear Mapping start ]---",
      "0xffff000000000000-0xffff000001a00000          26M PTE       ro NX SHD AF            UXN    MEM/NORMAL",
      "0xffff000001a00000-0xffff000040000000         998M PTE       RW NX SHD AF            UXN    MEM/NORMAL",
      "0xffff000040000000-0xffff001000000000          63G PMD",
      "0xffff001000000000-0xffff800000000000      131008G PUD",
      "---[ Linear Mapping end ]---",
      "---[ Modules start ]---",
      "0xffff800000000000-0xffff800080000000           2G PMD",
      "---[ Modules end ]---",
      "---[ vmalloc() area ]---",
      "0xffff800080000000-0xffff800081200000          18M PTE       ro x  SHD AF    CON     UXN    MEM/NORMAL",
      "0xffff800081200000-0xffff800081a00000           8M PTE       ro NX SHD AF            UXN    MEM/NORMAL",
      "0xffff800081a00000-0xffff800081f00000           5M PTE",
      "0xffff800081f00000-0xffff800082000000           1M PTE       RW NX SHD AF            UXN    MEM/NORMAL",
      "0xffff800082000000-0xffff801000000000       63456M PMD",
      "0xffff801000000000-0xffffff6000000000      130368G PUD",
      "---[ vmalloc() end ]---",
      "---[ percpu local area ]---",
      "0xffffff6000000000-0xffffff6000020000         128K PTE       RW NX SHD AF            UXN    MEM/NORMAL",
      "0xffffff6000020000-0xffffff6002000000       32640K PTE",
      "0xffffff6002000000-0xffffff7000000000       65504M PMD",
      "---[ percpu local area end ]---",
      "0xffffff7000000000-0xffffff7fc0000000          63G PMD",
      "---[ vmemmap start ]---",
      "0xffffff7fc0000000-0xffffff7fc0400000           4M PTE       RW NX SHD AF            UXN    MEM/NORMAL",
      "0xffffff7fc0400000-0xffffff7fc2000000          28M PTE",
      "0xffffff7fc2000000-0xffffff8000000000         992M PMD",
      "0xffffff8000000000-0xfffffff000000000         448G PUD",
      "0xfffffff000000000-0xffffffffc0000000          63G PMD",
      "---[ vmemmap end ]---",
      "0xffffffffc0000000-0xffffffffc2000000          32M PMD",
      "---[ PCI I/O start ]---",
      "---[ PCI I/O end ]---",
      "0xffffffffc2000000-0xfffffffffe000000         960M PMD",
      "0xfffffffffe000000-0xfffffffffebf4000       12240K PTE",
      "---[ Fixmap start ]---",
      "0xfffffffffebf4000-0xffffffffff5f8000       10256K PTE",
      "0xffffffffff5f8000-0xffffffffff6f8000           1M PTE       ro NX SHD AF            UXN    MEM/NORMAL",
      "0xffffffffff6f8000-0xffffffffff800000        1056K PTE",
      "---[ Fixmap end ]---",
      "0xffffffffff800000-0x0000000000000000           8M PTE"};

  private static final String[] CPU0_4K_52 = {
      "---[ Linear Mapping start ]---",
      "0xfff0000000000000-0xfff0000001a00000          26M PTE       ro NX     AF            UXN    MEM/NORMAL",
      "0xfff0000001a00000-0xfff0000040000000         998M PTE       RW NX     AF            UXN    MEM/NORMAL",
      "0xfff0000040000000-0xfff0008000000000         511G PUD",
      "0xfff0008000000000-0xfff1000000000000      261632G P4D",
      "0xfff1000000000000-0xffff000000000000        3584T PGD",
      "0xffff000000000000-0xffff800000000000         128T P4D",
      "---[ Linear Mapping end ]---",
      "---[ Modules start ]---",
      "0xffff800000000000-0xffff800080000000           2G PUD",
      "---[ Modules end ]---",
      "---[ vmalloc() area ]---",
      "0xffff800080000000-0xffff800081200000          18M PMD       ro x      AF        BLK UXN    MEM/NORMAL",
      "0xffff800081200000-0xffff800081a00000           8M PMD       ro NX     AF        BLK UXN    MEM/NORMAL",
      "0xffff800081a00000-0xffff800081e00000           4M PMD",
      "0xffff800081e00000-0xffff800081f00000           1M PTE",
      "0xffff800081f00000-0xffff800082000000           1M PTE       RW NX     AF    CON     UXN    MEM/NORMAL",
      "0xffff800082000000-0xffff8000c0000000         992M PMD",
      "0xffff8000c0000000-0xffff808000000000         509G PUD",
      "0xffff808000000000-0xffffc10000000000       66048G P4D",
      "---[ vmalloc() end ]---",
      "---[ percpu local area ]---",
      "0xffffc10000000000-0xffffc1000001e000         120K PTE       RW NX     AF            UXN    MEM/NORMAL",
      "0xffffc1000001e000-0xffffc10000200000        1928K PTE",
      "0xffffc10000200000-0xffffc10040000000        1022M PMD",
      "0xffffc10040000000-0xffffc18000000000         511G PUD",
      "---[ percpu local area end ]---",
      "0xffffc18000000000-0xffffc1ffc0000000         511G PUD",
      "---[ vmemmap start ]---",
      "0xffffc1ffc0000000-0xffffc1ffc1000000          16M PMD       RW NX     AF        BLK UXN    MEM/NORMAL",
      "0xffffc1ffc1000000-0xffffc20000000000        1008M PMD",
      "0xffffc20000000000-0xffffff8000000000       62976G P4D",
      "0xffffff8000000000-0xffffffffc0000000         511G PUD",
      "---[ vmemmap end ]---",
      "0xffffffffc0000000-0xffffffffc0800000           8M PMD",
      "---[ PCI I/O start ]---",
      "0xffffffffc0800000-0xffffffffc1800000          16M PMD",
      "---[ PCI I/O end ]---",
      "0xffffffffc1800000-0xffffffffff200000         986M PMD",
      "0xffffffffff200000-0xffffffffff22d000         180K PTE",
      "---[ Fixmap start ]---",
      "0xffffffffff22d000-0xffffffffff5fe000        3908K PTE",
      "0xffffffffff5fe000-0xffffffffff6fe000           1M PTE       ro NX     AF            UXN    MEM/NORMAL",
      "0xffffffffff6fe000-0xffffffffff800000        1032K PTE",
      "---[ Fixmap end ]---",
      "0xffffffffff800000-0x0000000000000000           8M PMD"};

  /** Swapper's local area lines (the rest of its dump is CPU 0's). */
  private static final String[] SWAPPER_LOCAL_16K_48 = {
      "---[ percpu local area ]---",
      "0xffffff6000000000-0xffffff7000000000          64G PUD",
      "---[ percpu local area end ]---"};

  private static final String[] SWAPPER_LOCAL_4K_52 = {
      "---[ percpu local area ]---",
      "0xffffc10000000000-0xffffc18000000000         512G P4D",
      "---[ percpu local area end ]---"};
}
