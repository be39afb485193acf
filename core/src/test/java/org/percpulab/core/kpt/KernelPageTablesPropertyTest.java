package org.percpulab.core.kpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.Region;
import org.percpulab.core.testkit.KptShadow;
import org.percpulab.core.testkit.Seeds;

/**
 * Seeded random map/unmap/free sequences over fake geometries of 2 to 5 levels and every private
 * level 0..levels-2: shared mappings in entries next to the private path at every path level
 * (the shared part of the path tables) and in another top-level slot, private mappings per CPU.
 * After every mutation: {@code verifyConsistent}, every mapping translates as mapped, and sampled
 * VAs translate on every CPU exactly as the shadow says (outside the private entries identical to
 * swapper). At the end everything is unmapped and freed and the table pages are back at the boot
 * count: the path tables, (P + 1) shared and (P + 1) per CPU.
 */
class KernelPageTablesPropertyTest {
  private static final int CPUS = 4;
  private static final long PA = FakeBackend.PHYS_OFFSET;

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    int[][] geos = {{12, 9, 9, 9, 9}, {12, 4, 9, 9, 9, 9}, {14, 1, 11, 11, 11}, {16, 13, 13},
        {16, 6, 13, 13}};
    for (int[] g : geos) {
      int levels = g.length - 1;
      for (int p = 0; p <= levels - 2; p++) {
        out.add(Arguments.of(g, p, false));
      }
    }
    out.add(Arguments.of(new int[] {12, 9, 9, 9, 9}, 1, true));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} P={1} invalidBit={2}")
  @MethodSource("cases")
  void randomSequencesKeepEveryCpuConsistent(int[] spec, int p, boolean invalidBit) {
    int ps = spec[0];
    int[] bits = java.util.Arrays.copyOfRange(spec, 1, spec.length);
    Seeds.run(4, (rnd, log) -> {
      PageTableEngine e = FakeBackend.engine(ps, bits, true, invalidBit, 256L << 20);
      Geometry g = e.geometry();
      int levels = g.levels();
      // the path: top slot entries(0)-2 (or 0 for a 2-entry top), then random indexes; the area is
      // 1..2 entries at level P, never the whole level-P table
      int topSlot = g.entries(0) > 2 ? g.entries(0) - 2 : 0;
      long base = -(1L << g.vaBits()) + topSlot * g.entrySize(0);
      List<long[]> windows = new ArrayList<>();
      int otherTop = g.entries(0) > 2 ? topSlot - 1 : 1;
      windows.add(new long[] {-(1L << g.vaBits()) + otherTop * g.entrySize(0), g.entrySize(0)});
      long start = base;
      for (int l = 1; l <= p; l++) {
        int n = g.entries(l);
        int idx = 1 + rnd.nextInt(n - 3);
        long esz = g.entrySize(l);
        long at = start + (long) idx * esz;
        if (l < p) {
          windows.add(new long[] {at + esz, esz});
          start = at;
        } else {
          start = at;
        }
      }
      int count = p == 0 ? 1 : 1 + rnd.nextInt(2);
      long psz = g.entrySize(p);
      Region area = new Region("local", start, start + count * psz);
      if (p > 0) {
        windows.add(new long[] {start - psz, psz});
        windows.add(new long[] {start + count * psz, psz});
      }
      log.op("geometry %s P=%d area [0x%x, 0x%x)", g.label(), p, area.start(), area.end());
      KernelPageTables k = new KernelPageTables(e, CPUS, area, p);
      k.verifyConsistent();
      long bootShared = e.allocator().sharedTablePages();
      long bootPerCpu = e.allocator().perCpuTablePages();
      assertThat(bootShared).as("swapper's path tables").isEqualTo(p + 1L);
      assertThat(bootPerCpu).as("per-CPU path copies").isEqualTo(CPUS * (p + 1L));
      long page = g.pageSize();
      long blk = g.entrySize(levels - 2);
      long hot = Math.min(psz, 4 * blk);
      KptShadow shadow = new KptShadow();
      for (int step = 0; step < 60; step++) {
        int kind = rnd.nextInt(10);
        long synced = k.syncedEntries();
        if (kind < 6 || shadow.maps().isEmpty()) {
          boolean priv = rnd.nextInt(3) == 0;
          int cpu = priv ? rnd.nextInt(CPUS) : -1;
          long[] w = priv ? new long[] {area.start(), area.size()}
              : windows.get(rnd.nextInt(windows.size()));
          long wHot = Math.min(hot, w[1]);
          long wBase = rnd.nextBoolean() ? w[0] : w[0] + w[1] - wHot;
          boolean pages = rnd.nextBoolean() || blk > wHot;
          KptShadow.Mapping q = KptShadow.random(rnd, cpu, wBase, wHot, pages, blk, ps, PA >>> ps,
              1 << 16, PA, 64);
          int maxShift = pages || rnd.nextBoolean() ? 63 : ps;
          boolean overlaps = shadow.overlaps(q);
          log.op("%s", q.describe(maxShift));
          int r = shadow.map(k, q, priv ? 1 : 2, maxShift);
          log.op("  -> %d", r);
          assertThat(r).as("result").isEqualTo(overlaps ? PageTableEngine.EBUSY : r);
          assertThat(r >= 0).as("maps unless overlapping").isEqualTo(!overlaps);
          if (priv) {
            assertThat(k.syncedEntries()).as("private maps sync nothing").isEqualTo(synced);
          }
        } else if (kind < 9) {
          KptShadow.Mapping x = shadow.removeRandom(rnd);
          log.op("unmap cpu=%d va=0x%x size=0x%x", x.cpu(), x.va(), x.size());
          KptShadow.unmap(k, x);
          if (x.cpu() >= 0) {
            assertThat(k.syncedEntries()).as("private unmaps sync nothing").isEqualTo(synced);
          }
        } else if (rnd.nextBoolean()) {
          long[] w = windows.get(rnd.nextInt(windows.size()));
          log.op("freeEmptyShared 0x%x +0x%x", w[0], w[1]);
          k.freeEmptyShared(w[0], w[1]);
        } else {
          int cpu = rnd.nextInt(CPUS);
          log.op("freeEmptyPrivate cpu=%d", cpu);
          k.freeEmptyPrivate(cpu, area.start(), area.size());
        }
        assertThat((k.syncedEntries() - synced) % CPUS).as("sync writes every CPU").isZero();
        k.verifyConsistent();
        check(k, shadow, windows, area, rnd, ps, hot);
      }
      shadow.unmapAll(k);
      for (long[] w : windows) {
        k.freeEmptyShared(w[0], w[1]);
      }
      for (int c = 0; c < CPUS; c++) {
        k.freeEmptyPrivate(c, area.start(), area.size());
      }
      k.verifyConsistent();
      assertThat(e.allocator().sharedTablePages()).as("shared table pages back at boot")
          .isEqualTo(bootShared);
      assertThat(e.allocator().perCpuTablePages()).as("per-CPU table pages back at boot")
          .isEqualTo(bootPerCpu);
    });
  }

  private static void check(KernelPageTables k, KptShadow shadow, List<long[]> windows,
      Region area, Random rnd, int ps, long hot) {
    PageTableEngine e = k.engine();
    long page = 1L << ps;
    for (KptShadow.Mapping x : shadow.maps()) {
      long off = ((rnd.nextLong() >>> 1) % (x.size() / page)) * page + 8;
      long va = x.va() + off;
      for (int c = 0; c < CPUS; c++) {
        long want = x.cpu() < 0 || x.cpu() == c ? x.paAt(off, ps) : shadow.expect(c, va, ps, -1);
        assertThat(e.translate(k.pgdOf(c), va)).as("cpu %d va 0x%x", c, va).isEqualTo(want);
      }
      if (x.cpu() >= 0) {
        assertThat(e.translate(k.swapperPgd(), va)).as("swapper never maps 0x%x", x.va())
            .isEqualTo(-1);
      }
    }
    for (int i = 0; i < 16; i++) {
      long[] w = windows.get(rnd.nextInt(windows.size()));
      long wHot = Math.min(hot, w[1]);
      long from = rnd.nextBoolean() ? w[0] : w[0] + w[1] - wHot;
      long va = from + ((rnd.nextLong() >>> 1) % (wHot / page)) * page;
      long want = shadow.expect(-1, va, ps, -1);
      assertThat(e.translate(k.swapperPgd(), va)).as("swapper va 0x%x", va).isEqualTo(want);
      for (int c = 0; c < CPUS; c++) {
        assertThat(e.translate(k.pgdOf(c), va)).as("cpu %d shared va 0x%x", c, va)
            .isEqualTo(want);
      }
      long la = area.start() + ((rnd.nextLong() >>> 1) % (area.size() / page)) * page;
      for (int c = 0; c < CPUS; c++) {
        assertThat(e.translate(k.pgdOf(c), la)).as("cpu %d local va 0x%x", c, la)
            .isEqualTo(shadow.expect(c, la, ps, -1));
      }
    }
  }
}
