package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.TestMachines;

/**
 * percpu.localLayout: the packed CPU-major region next to the mirror layout.
 *
 * <pre>
 * arm64 4K/48, 4 CPUs, packed (stride S = 512G = min(local area 512G, 2^floor(log2(budget/4))),
 * budget = (0xfffffd0000000000 - VMALLOC_START 0xffff800080000000) / 4 = 31.25 TiB), unit U = 0x1c000:
 *
 *   region R = 0xfffffb0000000000 (4 x S top-down below the local area, one vm area)
 *
 *             slot 0 (first)      slot 1              slot 2
 *   cpu 0  R+0x000000000000    R+0x00000001c000    R+0x000000038000   ...
 *   cpu 1  R+0x008000000000    R+0x00800001c000    R+0x008000038000
 *   cpu 2  R+0x010000000000    ...
 *   cpu 3  R+0x018000000000    ...                                    R+0x01ffffffffff = end
 *
 *   local area L = 0xfffffd0000000000:  [slot 0][slot 1][slot 2] ...  (same VA, own copy per CPU)
 *   __per_cpu_local_off = R - __per_cpu_start + (L - R) = L - 0xffff800081e80000
 * </pre>
 */
class PcpuPackedLayoutTest {
  private static final long UNIT = 0x1c000;

  private static PercpuSystem boot(int cpus, String layout, String... kv) {
    String[] all = java.util.Arrays.copyOf(kv, kv.length + 4);
    all[kv.length] = "percpu.localMap";
    all[kv.length + 1] = "on";
    all[kv.length + 2] = "percpu.localLayout";
    all[kv.length + 3] = layout;
    return PercpuSystem.boot(TestMachines.boot("arm64", cpus, all));
  }

  @Test
  void packedRegionMapOnFourCpus() {
    PercpuSystem s = boot(4, "packed");
    Machine m = s.machine();
    PercpuAllocator a = s.allocator();
    long r = 0xfffffb0000000000L;
    long stride = 0x80_0000_0000L;
    assertThat(s.layoutName()).isEqualTo("packed");
    assertThat(s.packedRegion().base()).isEqualTo(r);
    assertThat(s.packedRegion().stride()).isEqualTo(stride);
    assertThat(s.packedRegion().end()).isEqualTo(0xfffffd0000000000L);
    assertThat(s.packedRegion().slots()).isEqualTo((int) (stride / UNIT));
    assertThat(a.baseAddr()).isEqualTo(r);
    assertThat(s.firstLocalBase()).isEqualTo(0xfffffd0000000000L);
    assertThat(s.perCpuLocalOff()).isEqualTo(0xfffffd0000000000L - 0xffff800081e80000L);
    assertThat(s.bootLog().get(1)).isEqualTo("percpu: packed region 0xfffffb0000000000-"
        + "0xfffffd0000000000 stride 0x8000000000 (4793490 slots of 114688)");
    for (int cpu = 0; cpu < 4; cpu++) {
      assertThat(a.unitOffset(cpu)).isEqualTo(cpu * stride);
    }
    // one vm area for the whole region, the chunks add none
    assertThat(s.vmalloc().findVmArea(r).size()).isEqualTo(4 * stride);
    assertThat(s.vmalloc().findVmArea(r).caller().symbol()).isEqualTo("pcpu_packed_region");
    int areas = s.vmalloc().allocator().busyCount();
    long[] p = new long[7];
    for (int i = 0; i < p.length; i++) {
      p[i] = s.alloc(32768, 4096, false);
    }
    assertThat(a.chunksCreated()).isEqualTo(3);
    assertThat(s.vmalloc().allocator().busyCount()).isEqualTo(areas);
    for (int k = 1; k <= 3; k++) {
      PcpuChunk c = a.chunkAddrSearch(a.ptrToAddr(p[3 * k - 3]));
      assertThat(c.baseAddr).isEqualTo(r + k * UNIT);
      assertThat(c.localBase).isEqualTo(0xfffffd0000000000L + k * UNIT);
      assertThat(a.chunkAddr(c, 3, 0)).isEqualTo(r + 3 * stride + k * UNIT);
    }
    assertThat(s.localArea().bytesInUse()).isEqualTo(4 * UNIT);
    m.verifyConsistent();
    assertAliases(s, p);
  }

  /**
   * Per-CPU page-table pages after boot and after 40 dynamic chunks (41 live units), all CPUs
   * summed, for both layouts. With 4K/48 each CPU owns pgd + PUD + PMD (local area private at
   * level 0) plus last-level tables: packed = ceil(41 x 28 / 512) = 3 PTE tables (6 per CPU);
   * mirror spaces the local ranges one chunk span (cpus x 112 KiB) apart: 448 KiB at 4 CPUs (the
   * 41 ranges cross 9 2-MiB PTE tables, 12 per CPU), 17.5 MiB at 160 CPUs (one PTE table per
   * chunk, 3 + 41 = 44 per CPU). With 64K/52 (3 levels, a PTE table maps 512 MiB; units of 128
   * KiB) packed stays at pgd + PMD + 1 PTE table; mirror at 160 CPUs spans 41 x 20 MiB = 820 MiB,
   * so two PTE tables (4 per CPU).
   */
  @Test
  void perCpuPageTablePagesBothLayouts() {
    // {cpus, after boot, after 40 chunks} per geometry and layout
    check("4K", "48", 4, "mirror", 16, 48);
    check("4K", "48", 4, "packed", 16, 24);
    check("4K", "48", 160, "mirror", 640, 160 * 44);
    check("4K", "48", 160, "packed", 640, 160 * 6);
    check("64K", "52", 4, "mirror", 12, 12);
    check("64K", "52", 4, "packed", 12, 12);
    check("64K", "52", 160, "mirror", 480, 160 * 4);
    check("64K", "52", 160, "packed", 480, 160 * 3);
  }

  private static void check(String page, String va, int cpus, String layout, long boot,
      long after40) {
    PercpuSystem s = boot(cpus, layout, "mm.pageSize", page, "mm.vaBits", va, "mm.memory", "8G");
    Machine m = s.machine();
    String what = page + "/" + va + " " + cpus + " CPUs " + layout;
    assertThat(m.allocator().perCpuTablePages()).as(what + " after boot").isEqualTo(boot);
    while (s.allocator().chunksCreated() < 40) {
      assertThat(s.alloc(32768, 4096, false)).as(what).isNotZero();
    }
    assertThat(m.allocator().perCpuTablePages()).as(what + " after 40 chunks").isEqualTo(after40);
    assertThat(m.allocator().tablePagesOfCpu(cpus - 1)).isEqualTo(after40 / cpus);
    m.verifyConsistent();
  }

  /**
   * The differential test: the same seeded allocations and frees on a mirror and a packed machine
   * take the same allocator decisions (same chunk, same offset in it for every object), both pass
   * verifyConsistent, and on every CPU each live object's local alias hits that CPU's copy, on every
   * arm64 geometry.
   */
  @Test
  void bothLayoutsMakeTheSameDecisionsOnEveryArm64Geometry() {
    String[][] geos = {{"4K", "39"}, {"4K", "48"}, {"4K", "52"}, {"16K", "36"}, {"16K", "47"},
        {"16K", "48"}, {"64K", "42"}, {"64K", "48"}, {"64K", "52"}};
    for (String[] g : geos) {
      long seed = 0x5eed + g[0].hashCode() * 31L + g[1].hashCode();
      PercpuSystem mirror = boot(4, "mirror", "mm.pageSize", g[0], "mm.vaBits", g[1]);
      PercpuSystem packed = boot(4, "packed", "mm.pageSize", g[0], "mm.vaBits", g[1]);
      String what = g[0] + "/" + g[1] + " seed " + seed;
      List<long[]> live = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < 600; i++) {
        if (!live.isEmpty() && r.nextInt(3) == 0) {
          long[] o = live.remove(r.nextInt(live.size()));
          mirror.free(o[0]);
          packed.free(o[1]);
        } else {
          int size = r.nextInt(4) == 0 ? 4096 + r.nextInt(7) * 4096 : 4 + 4 * r.nextInt(256);
          long pm = mirror.alloc(size, 8, false);
          long pp = packed.alloc(size, 8, false);
          assertThat(pm).as(what + " alloc %d", i).isNotZero();
          assertThat(pp).as(what + " alloc %d", i).isNotZero();
          assertThat(placement(packed, pp)).as(what + " alloc %d", i)
              .containsExactly(placement(mirror, pm));
          live.add(new long[] {pm, pp});
        }
        if (i % 97 == 0) {
          mirror.balance();
          packed.balance();
        }
      }
      assertThat(packed.allocator().chunksCreated()).as(what)
          .isEqualTo(mirror.allocator().chunksCreated()).isGreaterThan(3);
      assertThat(packed.allocator().chunksDestroyed()).as(what)
          .isEqualTo(mirror.allocator().chunksDestroyed());
      mirror.machine().verifyConsistent();
      packed.machine().verifyConsistent();
      long[] pm = new long[live.size()];
      long[] pp = new long[live.size()];
      for (int i = 0; i < live.size(); i++) {
        pm[i] = live.get(i)[0];
        pp[i] = live.get(i)[1];
      }
      assertAliases(mirror, pm);
      assertAliases(packed, pp);
    }
  }

  /** {chunk id, offset of the object in its chunk}. */
  private static long[] placement(PercpuSystem s, long ptr) {
    PercpuAllocator a = s.allocator();
    long addr = a.ptrToAddr(ptr);
    PcpuChunk c = a.chunkAddrSearch(addr);
    return new long[] {c.id, addr - c.baseAddr};
  }

  private static void assertAliases(PercpuSystem s, long[] ptrs) {
    Machine m = s.machine();
    for (long p : ptrs) {
      for (int cpu = 0; cpu < m.cpus().count(); cpu++) {
        Cpu c = m.cpu(cpu);
        long pa = c.translate(s.perCpuPtr(p, cpu));
        assertThat(pa).isNotEqualTo(Cpu.FAULT);
        assertThat(c.translate(s.localAlias(p))).as("ptr %x alias on cpu %d", p, cpu)
            .isEqualTo(pa);
      }
    }
  }

  @Test
  void freedSlotsWaitForThePurgeThenTheLowestIsReused() {
    PercpuSystem s = boot(4, "packed");
    PercpuAllocator a = s.allocator();
    long[] p = new long[9];
    for (int i = 0; i < p.length; i++) {
      p[i] = s.alloc(32768, 4096, false);
    }
    assertThat(s.packedRegion().slotsInUse()).isEqualTo(4);
    for (int i = 0; i < 6; i++) {
      s.free(p[i]);
    }
    s.balance();
    // chunks of slots 1 and 2 emptied; the balance work keeps one empty chunk and frees the other
    assertThat(a.chunksDestroyed()).isEqualTo(1);
    assertThat(s.packedRegion().lazySlots()).isEqualTo(1);
    assertThat(s.packedRegion().purges()).isZero();
    s.packedRegion().purge();
    assertThat(s.packedRegion().lazySlots()).isZero();
    assertThat(s.packedRegion().purges()).isEqualTo(1);
    int freed = -1;
    for (int k = 1; k <= 3 && freed < 0; k++) {
      boolean live = false;
      for (PcpuChunk c : a.chunks()) {
        live |= c.baseAddr == s.packedRegion().slotBase(k);
      }
      freed = live ? -1 : k;
    }
    assertThat(freed).isPositive();
    long q = 0;
    for (int i = 0; i < 6; i++) {
      q = s.alloc(32768, 4096, false);
    }
    assertThat(a.chunkAddrSearch(a.ptrToAddr(q)).baseAddr)
        .isEqualTo(s.packedRegion().slotBase(freed));
    s.machine().verifyConsistent();
  }

  @Test
  void aStrideThatCannotFitIsAOneLineError() {
    assertThatThrownBy(() -> boot(160, "packed", "percpu.stride", "1T"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'percpu.stride': value '1T' is not allowed; allowed: at most the"
            + " local area's size 512G");
    assertThatThrownBy(() -> boot(160, "packed", "percpu.stride", "256G"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cpus x stride must fit the");
    assertThatThrownBy(() -> boot(4, "packed", "percpu.stride", "100000"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'percpu.stride': value '100000' is not allowed; allowed: a multiple"
            + " of the page size 4096");
    PercpuSystem s = boot(160, "packed", "percpu.stride", "64M");
    assertThat(s.packedRegion().stride()).isEqualTo(64L << 20);
    assertThat(s.packedRegion().slots()).isEqualTo((int) ((64L << 20) / UNIT));
  }
}
