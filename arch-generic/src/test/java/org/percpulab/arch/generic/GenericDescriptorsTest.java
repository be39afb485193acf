package org.percpulab.arch.generic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.ProtKind;

class GenericDescriptorsTest {
  private final GenericDescriptors d = GenericDescriptors.INSTANCE;

  @Test
  void protValues() {
    assertThat(d.prot(ProtKind.KERNEL)).isEqualTo(0x8000000000000163L);
    assertThat(d.prot(ProtKind.KERNEL_RO)).isEqualTo(0x8000000000000121L);
    assertThat(d.prot(ProtKind.KERNEL_ROX)).isEqualTo(0x121L);
    assertThat(d.prot(ProtKind.KERNEL_EXEC)).isEqualTo(0x163L);
    assertThat(d.prot(ProtKind.DEVICE)).isEqualTo(0x800000000000017bL);
  }

  @Test
  void tableWords() {
    long t = d.table(0, 0x1234000L);
    assertThat(t).isEqualTo(0x1234063L);
    assertThat(d.isValid(0, t)).isTrue();
    assertThat(d.isTable(0, t)).isTrue();
    assertThat(d.isLeaf(0, t)).isFalse();
    assertThat(d.address(0, t)).isEqualTo(0x1234000L);
    assertThat(d.describe(0, t)).isEqualTo("TBL");
  }

  @Test
  void pageAndBlockWords() {
    long page = d.leaf(3, 0x5000L, d.prot(ProtKind.KERNEL));
    assertThat(page).isEqualTo(0x8000000000005163L);
    assertThat(d.isLeaf(3, page)).isTrue();
    assertThat(d.isTable(3, page)).isFalse();
    assertThat(d.describe(3, page)).isEqualTo("PAGE RW NX GLB ACC DTY");
    long block = d.leaf(2, 0x40200000L, d.prot(ProtKind.KERNEL_ROX));
    assertThat(block).isEqualTo(0x402001a1L);
    assertThat(d.isLeaf(2, block)).isTrue();
    assertThat(d.isTable(2, block)).isFalse();
    assertThat(d.address(2, block)).isEqualTo(0x40200000L);
    assertThat(d.protOf(2, block)).isEqualTo(d.prot(ProtKind.KERNEL_ROX));
    assertThat(d.describe(2, block)).isEqualTo("BLK ro x GLB ACC");
    long dev = d.leaf(3, 0xfe000000L, d.prot(ProtKind.DEVICE));
    assertThat(d.describe(3, dev)).isEqualTo("PAGE RW NX PWT PCD GLB ACC DTY");
  }

  @Test
  void noneIsInvalid() {
    for (int l = 0; l < 4; l++) {
      assertThat(d.isValid(l, d.none())).isFalse();
      assertThat(d.isTable(l, d.none())).isFalse();
      assertThat(d.isLeaf(l, d.none())).isFalse();
      assertThat(d.describe(l, 0x8000000000005162L)).isEqualTo("INVALID");
    }
  }

  @Test
  void roundTripOnEveryLevelAndProt() {
    for (long seed = 1; seed <= 5; seed++) {
      Random r = new Random(seed);
      for (int i = 0; i < 200; i++) {
        int level = 1 + r.nextInt(3);
        long pa = (r.nextLong() & 0x000f_ffff_ffff_f000L)
            & ~(GenericGeometry.GEOMETRY.entrySize(level) - 1);
        ProtKind k = ProtKind.values()[r.nextInt(ProtKind.values().length)];
        long w = d.leaf(level, pa, d.prot(k));
        String what = "seed " + seed + " level " + level + " pa " + Long.toHexString(pa) + " " + k;
        assertThat(d.isLeaf(level, w)).as(what).isTrue();
        assertThat(d.address(level, w)).as(what).isEqualTo(pa);
        assertThat(d.protOf(level, w)).as(what).isEqualTo(d.prot(k));
      }
    }
  }

  @Test
  void garbageNeverThrows() {
    Random r = new Random(7);
    for (int i = 0; i < 1000; i++) {
      long w = r.nextLong();
      for (int l = 0; l < 4; l++) {
        d.describe(l, w);
        assertThat(d.isTable(l, w) && d.isLeaf(l, w)).as("seed 7 word %x", w).isFalse();
      }
    }
  }
}
