package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.ProtKind;

class Arm64DescriptorsTest {
  private final Arm64Descriptors d = new Arm64Descriptors(Arm64Geometries.of(12, 48), false);

  @Test void pageKernelWords() {
    // PAGE_KERNEL = AF | SH(ISH) | PXN | UXN | DBM(WRITE) | AttrIndx(MT_NORMAL) (+ type)
    assertThat(d.prot(ProtKind.KERNEL)).isEqualTo(0x0068000000000700L);
    assertThat(d.prot(ProtKind.KERNEL_RO)).isEqualTo(0x0060000000000780L);
    assertThat(d.prot(ProtKind.KERNEL_ROX)).isEqualTo(0x0040000000000780L);
    assertThat(d.prot(ProtKind.KERNEL_EXEC)).isEqualTo(0x0048000000000700L);
    assertThat(d.prot(ProtKind.DEVICE)).isEqualTo(0x0068000000000710L);
    assertThat(d.leaf(3, 0x40200000L, d.prot(ProtKind.KERNEL))).isEqualTo(0x0068000040200703L);
    assertThat(d.leaf(2, 0x40200000L, d.prot(ProtKind.KERNEL))).isEqualTo(0x0068000040200701L);
    assertThat(d.table(1, 0x41000000L)).isEqualTo(0x1000000041000403L);
  }

  @Test void decode() {
    long pte = d.leaf(3, 0x40200000L, d.prot(ProtKind.KERNEL));
    assertThat(d.isValid(3, pte)).isTrue();
    assertThat(d.isLeaf(3, pte)).isTrue();
    assertThat(d.isTable(3, pte)).isFalse();
    assertThat(d.address(3, pte)).isEqualTo(0x40200000L);
    assertThat(d.protOf(3, pte)).isEqualTo(d.prot(ProtKind.KERNEL));
    long blk = d.leaf(2, 0x40200000L, d.prot(ProtKind.KERNEL_ROX));
    assertThat(d.isLeaf(2, blk)).isTrue();
    assertThat(d.isTable(2, blk)).isFalse();
    long tbl = d.table(0, 0x41000000L);
    assertThat(d.isTable(0, tbl)).isTrue();
    assertThat(d.isLeaf(0, tbl)).isFalse();
    assertThat(d.address(0, tbl)).isEqualTo(0x41000000L);
    assertThat(d.isValid(3, 0)).isFalse();
    assertThat(d.describe(3, 0)).isEqualTo("none");
  }

  @Test void describeForWalk() {
    assertThat(d.describe(3, d.leaf(3, 0x40200000L, d.prot(ProtKind.KERNEL))))
        .isEqualTo("PAGE pa=0x40200000 RW NX SHD AF UXN DBM MEM/NORMAL");
    assertThat(d.describe(2, d.leaf(2, 0x40200000L, d.prot(ProtKind.KERNEL_ROX))))
        .isEqualTo("BLK pa=0x40200000 ro x SHD AF UXN MEM/NORMAL");
    assertThat(d.describe(0, d.table(0, 0x41000000L)))
        .isEqualTo("TABLE pa=0x41000000 UXNTable AF");
    assertThat(d.describe(3, d.leaf(3, 0x9000000L, d.prot(ProtKind.DEVICE))))
        .isEqualTo("PAGE pa=0x9000000 RW NX SHD AF UXN DBM DEVICE/nGnRE");
  }

  @Test void kptiMakesKernelMappingsNonGlobalAndLpa2DropsShareability() {
    Arm64Descriptors kpti = new Arm64Descriptors(Arm64Geometries.of(12, 48), true);
    assertThat(kpti.prot(ProtKind.KERNEL)).isEqualTo(0x0068000000000f00L);
    Arm64Descriptors lpa2 = new Arm64Descriptors(Arm64Geometries.of(12, 52), false);
    assertThat(lpa2.prot(ProtKind.KERNEL)).isEqualTo(0x0068000000000400L);
    Arm64Descriptors k64 = new Arm64Descriptors(Arm64Geometries.of(16, 52), false);
    assertThat(k64.prot(ProtKind.KERNEL)).isEqualTo(0x0068000000000700L);
  }

  @Test void mair() {
    // MT_NORMAL 0xff @0, TAGGED 0xf0 @1, NC 0x44 @2, nGnRnE 0x00 @3, nGnRE 0x04 @4
    assertThat(Arm64Descriptors.mairEl1()).isEqualTo(0x000000040044f0ffL);
  }
}
