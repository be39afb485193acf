package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.percpulab.core.spi.Geometry;

class Arm64GeometriesTest {

  @ParameterizedTest(name = "{0}K/{1}")
  @CsvSource({
      // granuleK, va, levels, shifts, top entries, blocks, names, cont
      "4, 39, 3, 30 21 12, 512, true true true, PGD PMD PTE, 0 16 16",
      "4, 48, 4, 39 30 21 12, 512, false true true true, PGD PUD PMD PTE, 0 0 16 16",
      "4, 52, 5, 48 39 30 21 12, 16, false false true true true, PGD P4D PUD PMD PTE, 0 0 0 16 16",
      "16, 36, 2, 25 14, 2048, true true, PGD PTE, 32 128",
      "16, 47, 3, 36 25 14, 2048, false true true, PGD PMD PTE, 0 32 128",
      "16, 48, 4, 47 36 25 14, 2, false false true true, PGD PUD PMD PTE, 0 0 32 128",
      "64, 42, 2, 29 16, 8192, true true, PGD PTE, 32 32",
      "64, 48, 3, 42 29 16, 64, false true true, PGD PMD PTE, 0 32 32",
      "64, 52, 3, 42 29 16, 1024, false true true, PGD PMD PTE, 0 32 32",
  })
  void geometryMatchesPgtableHwdef(int k, int va, int levels, String shifts, int top,
      String blocks, String names, String cont) {
    int ps = Integer.numberOfTrailingZeros(k * 1024);
    Geometry g = Arm64Geometries.of(ps, va);
    assertThat(g.levels()).isEqualTo(levels);
    String[] sh = shifts.split(" ");
    String[] bl = blocks.split(" ");
    String[] nm = names.split(" ");
    String[] ct = cont.split(" ");
    for (int i = 0; i < levels; i++) {
      assertThat(g.shift(i)).as("shift L%d", i).isEqualTo(Integer.parseInt(sh[i]));
      assertThat(g.blockAllowed(i)).as("block L%d", i).isEqualTo(Boolean.parseBoolean(bl[i]));
      assertThat(g.levelName(i)).as("name L%d", i).isEqualTo(nm[i]);
      assertThat(g.contEntries(i)).as("cont L%d", i).isEqualTo(Integer.parseInt(ct[i]));
      assertThat(g.entries(i)).as("entries L%d", i).isEqualTo(i == 0 ? top : 1 << (ps - 3));
    }
    assertThat(g.pageShift()).isEqualTo(ps);
    assertThat(g.vaBits()).isEqualTo(va);
  }

  @Test void allTenWithDefaultFirst() {
    assertThat(Arm64Geometries.all()).hasSize(10);
    assertThat(Arm64Geometries.all().get(0).label()).isEqualTo("4K/48-bit/4-level");
  }

  @Test void contSizesAreTheKernels() {
    // CONT_PTE_SIZE 64K / 2M / 2M and CONT_PMD_SIZE 32M / 1G / 16G (kernel-facts §1.4)
    assertThat(16L << 12).isEqualTo(64L << 10);
    Geometry g16 = Arm64Geometries.of(14, 47);
    assertThat(g16.contEntries(2) * g16.entrySize(2)).isEqualTo(2L << 20);
    assertThat(g16.contEntries(1) * g16.entrySize(1)).isEqualTo(1L << 30);
    Geometry g64 = Arm64Geometries.of(16, 48);
    assertThat(g64.contEntries(2) * g64.entrySize(2)).isEqualTo(2L << 20);
    assertThat(g64.contEntries(1) * g64.entrySize(1)).isEqualTo(16L << 30);
    Geometry g4 = Arm64Geometries.of(12, 48);
    assertThat(g4.contEntries(2) * g4.entrySize(2)).isEqualTo(32L << 20);
  }
}
