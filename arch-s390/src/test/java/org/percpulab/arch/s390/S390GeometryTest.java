package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.Geometry;

class S390GeometryTest {

  /** The default machine's (4 GiB, no KASAN) kernel ASCE is region-third: listed first. */
  @Test
  void regionThirdFirstThenRegionSecond() {
    assertThat(S390Geometry.ALL.get(0)).isSameAs(S390Geometry.REGION3);
    assertThat(S390Geometry.forLevels(S390AsceChoice.kernelLevels(4L << 30, false, false)))
        .isSameAs(S390Geometry.ALL.get(0));
    Geometry g = S390Geometry.REGION2;
    assertThat(g.label()).isEqualTo("4K/53-bit/4-level");
    assertThat(g.shifts()).containsExactly(42, 31, 20, 12);
    assertThat(g.entries()).containsExactly(2048, 2048, 2048, 256);
    assertThat(g.levelNames()).containsExactly("P4D", "PUD", "PMD", "PTE");
    assertThat(g.blockAllowed()).containsExactly(false, true, true, true);
    assertThat(g.tableBytes(0)).as("_CRST_TABLE_SIZE").isEqualTo(16384);
    assertThat(g.tableBytes(2)).isEqualTo(16384);
    assertThat(g.tableBytes(3)).as("_PAGE_TABLE_SIZE").isEqualTo(2048);
    assertThat(g.entrySize(1)).as("2 GiB region-third frame").isEqualTo(1L << 31);
    assertThat(g.entrySize(2)).as("1 MiB segment frame").isEqualTo(1L << 20);
    assertThat(g.entrySize(0) * g.entries(0)).as("region-second ASCE covers 8 PiB")
        .isEqualTo(1L << 53);
  }

  @Test
  void threeAndFiveLevels() {
    Geometry g3 = S390Geometry.REGION3;
    assertThat(g3.label()).isEqualTo("4K/42-bit/3-level");
    assertThat(g3.shifts()).containsExactly(31, 20, 12);
    assertThat(g3.entries()).containsExactly(2048, 2048, 256);
    assertThat(g3.levelNames()).containsExactly("PUD", "PMD", "PTE");
    assertThat(g3.blockAllowed()).containsExactly(true, true, true);
    assertThat(g3.entrySize(0) * g3.entries(0)).isEqualTo(1L << 42);
    Geometry g5 = S390Geometry.REGION1;
    assertThat(g5.label()).isEqualTo("4K/64-bit/5-level");
    assertThat(g5.shifts()).containsExactly(53, 42, 31, 20, 12);
    assertThat(g5.entries()).containsExactly(2048, 2048, 2048, 2048, 256);
    assertThat(g5.levelNames()).containsExactly("PGD", "P4D", "PUD", "PMD", "PTE");
    assertThat(g5.blockAllowed()).containsExactly(false, false, true, true, true);
    assertThat(S390Geometry.forVaBits(64)).isSameAs(g5);
    assertThat(S390Geometry.forLevels(3)).isSameAs(g3);
    assertThat(S390Geometry.forVaBits(48)).isNull();
    assertThat(S390Geometry.forLevels(2)).isNull();
  }

  @Test
  void indices() {
    long va = S390Layout.VMALLOC_START + (3L << 20) + (5L << 12);
    Geometry g = S390Geometry.REGION2;
    assertThat(g.index(0, va)).isZero();
    assertThat(g.index(1, va)).isEqualTo(1791);
    assertThat(g.index(2, va)).isEqualTo(1539);
    assertThat(g.index(3, va)).isEqualTo(5);
    assertThat(S390Geometry.REGION1.index(0, va)).isZero();
    assertThat(S390Geometry.REGION3.index(0, va)).isEqualTo(1791);
  }
}
