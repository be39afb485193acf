package org.percpulab.core.mem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhysMemTest {

  @Test
  void sparseLittleEndianAccessesOfEverySize() {
    PhysMem m = new PhysMem(12, 0x80000000L, 1L << 40);
    assertThat(m.frames()).isEqualTo(1L << 28);
    assertThat(m.residentPages()).isZero();
    long pa = 0x80000000L + (123L << 12);
    m.write(pa, 8, 0x1122334455667788L);
    assertThat(m.read(pa, 1)).isEqualTo(0x88);
    assertThat(m.read(pa + 1, 1)).isEqualTo(0x77);
    assertThat(m.read(pa + 2, 2)).isEqualTo(0x5566);
    assertThat(m.read(pa + 4, 4)).isEqualTo(0x11223344L);
    m.write(pa + 4, 2, 0xabcd);
    assertThat(m.read64(pa)).isEqualTo(0x1122abcd55667788L);
    m.write(pa + 7, 4, 0xa1b2c3d4L);
    assertThat(m.read(pa + 7, 4)).as("unaligned across words").isEqualTo(0xa1b2c3d4L);
    assertThat(m.read64(pa + 8)).isEqualTo(0xa1b2c3L);
    assertThat(m.residentPages()).isEqualTo(1);
    assertThat(m.read64(pa + 4096)).isZero();
    assertThat(m.residentPages()).as("reads allocate nothing").isEqualTo(1);
  }

  @Test
  void outsideRamIsAnError() {
    PhysMem m = new PhysMem(16, 0, 1L << 20);
    assertThat(m.pageSize()).isEqualTo(65536);
    assertThatThrownBy(() -> m.read64(1L << 20)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("physical address 0x100000 outside RAM [0x0, 0x100000)");
  }

  @Test
  void zeroMatchesByteWritesAndLeavesUnwrittenPagesNonResident() {
    java.util.Random rnd = new java.util.Random(18);
    for (int round = 0; round < 200; round++) {
      PhysMem a = new PhysMem(12, 0, 1L << 20);
      PhysMem b = new PhysMem(12, 0, 1L << 20);
      for (int i = 0; i < 64; i++) {
        long pa = (rnd.nextInt(6) << 12) + (rnd.nextInt(512) << 3);
        long v = rnd.nextLong();
        a.write64(pa, v);
        b.write64(pa, v);
      }
      long pa = rnd.nextInt(8 << 12);
      long len = rnd.nextInt(3 << 12);
      len = Math.min(len, (1L << 20) - pa);
      a.zero(pa, len);
      for (long k = 0; k < len; k++) {
        b.write(pa + k, 1, 0);
      }
      for (long w = 0; w < (8 << 12); w += 8) {
        assertThat(a.read64(w)).as("round %d word 0x%x after zero(0x%x, %d)", round, w, pa, len)
            .isEqualTo(b.read64(w));
      }
      assertThat(a.residentPages()).as("zero allocates no page").isEqualTo(b.residentPages());
    }
    PhysMem m = new PhysMem(12, 0, 1L << 20);
    m.zero(0, 1L << 20);
    assertThat(m.residentPages()).isZero();
  }
}
