package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.ProtKind;

class S390DescriptorsTest {
  private final S390Descriptors d4 = new S390Descriptors(4);

  @Test
  void protValuesAreTheKernels() {
    assertThat(d4.prot(ProtKind.KERNEL)).as("__PAGE_KERNEL").isEqualTo(0x13dL);
    assertThat(d4.prot(ProtKind.KERNEL_RO)).as("__PAGE_KERNEL_RO").isEqualTo(0x315L);
    assertThat(d4.prot(ProtKind.KERNEL_ROX)).isEqualTo(0x215L);
    assertThat(d4.prot(ProtKind.KERNEL_EXEC)).isEqualTo(0x03dL);
    assertThat(d4.prot(ProtKind.DEVICE)).isEqualTo(0x13dL);
  }

  @Test
  void tableEntries() {
    assertThat(d4.table(0, 0x10000L)).as("region-second: TT 0x08 + TL 3").isEqualTo(0x1000bL);
    assertThat(d4.table(1, 0x24000L)).as("region-third: TT 0x04 + TL 3").isEqualTo(0x24007L);
    assertThat(d4.table(2, 0x12800L)).as("segment -> 2 KiB page table").isEqualTo(0x12801L);
    assertThat(d4.table(3, 0x5000L)).as("no table below a page table").isZero();
    assertThat(new S390Descriptors(5).table(0, 0x8000L)).as("region-first: TT 0x0c + TL 3")
        .isEqualTo(0x800fL);
    assertThat(new S390Descriptors(3).table(0, 0x8000L)).as("3-level top is region-third")
        .isEqualTo(0x8007L);
    for (int l = 0; l < 3; l++) {
      long t = d4.table(l, 0x12800L & ~0xfffL);
      assertThat(d4.isValid(l, t)).as("level %d", l).isTrue();
      assertThat(d4.isTable(l, t)).as("level %d", l).isTrue();
      assertThat(d4.isLeaf(l, t)).as("level %d", l).isFalse();
      assertThat(d4.address(l, t)).as("level %d", l).isEqualTo(0x12000L);
    }
    assertThat(d4.address(2, 0x12801L)).isEqualTo(0x12800L);
    assertThat(d4.describe(0, 0x1000bL)).isEqualTo("R2 TBL");
    assertThat(d4.describe(2, 0x12801L)).isEqualTo("SEG TBL");
  }

  @Test
  void leavesMatchTheKernelsKernelProtections() {
    long pte = d4.leaf(3, 0x5000L, S390Descriptors.PAGE_KERNEL);
    assertThat(pte).isEqualTo(0x513dL);
    assertThat(d4.describe(3, pte)).isEqualTo("PTE RW NX");
    long seg = d4.leaf(2, 0x100000L, S390Descriptors.PAGE_KERNEL);
    assertThat(seg).as("pa | __SEGMENT_KERNEL").isEqualTo(0x100000L | 0xf501L);
    assertThat(d4.isLeaf(2, seg)).isTrue();
    assertThat(d4.isTable(2, seg)).isFalse();
    assertThat(d4.address(2, seg)).isEqualTo(0x100000L);
    assertThat(d4.describe(2, seg)).isEqualTo("SEG 1M RW NX");
    long segRo = d4.leaf(2, 0x200000L, S390Descriptors.PAGE_KERNEL_RO);
    assertThat(segRo).as("pa | __SEGMENT_KERNEL_RO").isEqualTo(0x200000L | 0x5701L);
    long r3 = d4.leaf(1, 0x80000000L, S390Descriptors.PAGE_KERNEL);
    assertThat(r3).as("pa | __REGION3_KERNEL").isEqualTo(0x80000000L | 0xf505L);
    assertThat(d4.isLeaf(1, r3)).isTrue();
    assertThat(d4.address(1, r3)).isEqualTo(0x80000000L);
    assertThat(d4.describe(1, r3)).isEqualTo("R3 2G RW NX");
    assertThat(d4.describe(3, d4.leaf(3, 0x6000L, S390Descriptors.PAGE_KERNEL_ROX)))
        .isEqualTo("PTE RO X");
    assertThat(d4.leaf(0, 0L, S390Descriptors.PAGE_KERNEL)).as("no region-second frames")
        .isZero();
  }

  @Test
  void emptyEntriesAreInvalid() {
    assertThat(d4.isValid(3, 0x400L)).as("_PAGE_INVALID").isFalse();
    assertThat(d4.isValid(2, 0x20L)).as("_SEGMENT_ENTRY_EMPTY").isFalse();
    assertThat(d4.isValid(1, 0x24L)).as("_REGION3_ENTRY_EMPTY").isFalse();
    assertThat(d4.isValid(0, 0x28L)).as("_REGION2_ENTRY_EMPTY").isFalse();
    assertThat(new S390Descriptors(5).isValid(0, 0x2cL)).as("_REGION1_ENTRY_EMPTY").isFalse();
    for (int l = 0; l < 4; l++) {
      assertThat(d4.isValid(l, d4.none())).as("zeroed table, level %d", l).isFalse();
      assertThat(d4.describe(l, 0)).isEqualTo("I");
    }
    assertThat(d4.isValid(3, 0x5400L | 0x13dL)).as("invalid bit on a pte").isFalse();
  }

  @Test
  void protRoundTripsOnEveryLeafLevel() {
    long[] prots = {S390Descriptors.PAGE_KERNEL, S390Descriptors.PAGE_KERNEL_RO,
        S390Descriptors.PAGE_KERNEL_ROX, S390Descriptors.PAGE_KERNEL_EXEC};
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      for (int i = 0; i < 200; i++) {
        int level = 1 + r.nextInt(3);
        long pa = (r.nextLong() & 0x000f_ffff_ffff_f000L)
            & ~(S390Geometry.REGION2.entrySize(level) - 1);
        long p = prots[r.nextInt(prots.length)];
        long w = d4.leaf(level, pa, p);
        String what = "seed " + seed + " level " + level + " pa " + Long.toHexString(pa);
        assertThat(d4.isLeaf(level, w)).as(what).isTrue();
        assertThat(d4.address(level, w)).as(what).isEqualTo(pa);
        assertThat(d4.protOf(level, w)).as(what).isEqualTo(p);
      }
    }
  }

  @Test
  void garbageNeverThrows() {
    Random r = new Random(11);
    for (int levels = 3; levels <= 5; levels++) {
      S390Descriptors d = new S390Descriptors(levels);
      for (int i = 0; i < 500; i++) {
        long w = r.nextLong();
        for (int l = 0; l < levels; l++) {
          d.describe(l, w);
          d.address(l, w);
          d.protOf(l, w);
          assertThat(d.isTable(l, w) && d.isLeaf(l, w)).as("seed 11 word %x", w).isFalse();
        }
      }
    }
  }
}
