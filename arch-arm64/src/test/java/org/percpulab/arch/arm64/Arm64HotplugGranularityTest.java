package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.pgtable.RangeVisitor;
import org.percpulab.core.testkit.TestMachines;

/**
 * arch/arm64/mm/mmu.c arch_add_memory (v6.17) maps hot-added RAM with NO_BLOCK_MAPPINGS |
 * NO_CONT_MAPPINGS exactly when can_set_direct_map() holds, the same test map_mem makes at boot: so
 * RAM booted and RAM hot-added get the same linear-map leaves and page tables, for both values of
 * {@code arm64.rodataFull}.
 */
class Arm64HotplugGranularityTest {

  /**
   * The linear map of [4 GiB, 8 GiB) of RAM: leaves as "level:va:size:cont" and the tables whose
   * whole span lies in that range, per level (the PUD table above is shared with boot RAM).
   */
  private static List<String> linearMap(Machine m, int[] tables) {
    long start = m.layout().physToVirt(m.layout().physOffset() + (4L << 30));
    long size = 4L << 30;
    List<String> leaves = new ArrayList<>();
    m.engine().visit(m.kpt().swapperPgd(), start, size, new RangeVisitor() {
      @Override public void leaf(int level, long va, long s, long entry) {
        leaves.add(level + ":" + Long.toHexString(va) + ":" + Long.toHexString(s) + ":"
            + ((entry & Arm64Descriptors.CONT) != 0 ? "cont" : ""));
      }

      @Override public void empty(int level, long va, long s) { }

      @Override public void table(int level, long va, long s, long entry) {
        if (s == m.geometry().entrySize(level)) {
          tables[level + 1]++;
        }
      }
    });
    return leaves;
  }

  private static Machine boot(String memory, String rodataFull) {
    return TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "mm.memory", memory,
        "arm64.rodataFull", rodataFull));
  }

  @Test
  void hotAddedRamGetsTheBootLinearMap() {
    // 4K/48: 4 GiB in pages = 2048 PTE tables under 4 PMD tables (rodataFull=true); with
    // rodataFull=false 4 GiB of 1 GiB-aligned RAM is 4 PUD blocks: no PMD or PTE table.
    int[][] expect = {{0, 0, 4, 2048}, {0, 0, 0, 0}};
    String[] full = {"true", "false"};
    for (int f = 0; f < 2; f++) {
      Machine booted = boot("8G", full[f]);
      int[] bootTables = new int[4];
      List<String> bootLeaves = linearMap(booted, bootTables);

      Machine hot = boot("4G", full[f]);
      int[] before = new int[4];
      assertThat(linearMap(hot, before)).as("nothing there before hotplug").isEmpty();
      long shared = hot.kpt().sharedTablePages();
      assertThat(new Arm64MemoryHotplug(hot).addMemory(hot.layout().physOffset() + (4L << 30),
          4L << 30)).isZero();
      int[] hotTables = new int[4];
      List<String> hotLeaves = linearMap(hot, hotTables);

      assertThat(hotLeaves).as("rodataFull=%s leaves", full[f]).isEqualTo(bootLeaves);
      assertThat(hotTables).as("rodataFull=%s tables", full[f]).containsExactly(bootTables);
      assertThat(bootTables).as("rodataFull=%s", full[f]).containsExactly(expect[f]);
      assertThat(bootLeaves).hasSize(f == 0 ? 1 << 20 : 4);
      hot.verifyConsistent();
      long added = hot.kpt().sharedTablePages() - shared;
      // linear-map tables plus vmemmap's (PMD blocks on 4K: one PTE-free run, no new table)
      assertThat(added).as("rodataFull=%s shared pages added", full[f])
          .isEqualTo(bootTables[2] + bootTables[3]);
    }
  }
}
