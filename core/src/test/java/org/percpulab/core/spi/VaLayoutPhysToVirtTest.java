package org.percpulab.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.pgtable.PageTableEngine;

/**
 * __phys_to_virt with a PAGE_OFFSET aligned below the RAM size: RISC-V Sv39's PAGE_OFFSET
 * 0xffffffd600000000 is only 8 GiB-aligned, RAM here is 16 GiB from 2 GiB. Each 1 GiB bank is mapped
 * at its own physToVirt (as a linear-map builder does per memblock region); every linear-map page
 * must then translate to its own physical page. With an OR instead of an add, banks 8..15 would land
 * on the VAs of banks 0..7 (the map would fail with EBUSY).
 */
class VaLayoutPhysToVirtTest {
  static final long PAGE_OFFSET = 0xffff_ffd6_0000_0000L;
  static final long RAM = 16L << 30;

  @Test
  void everyLinearMapPageTranslatesToItsOwnPage() {
    PageTableEngine e = FakeBackend.engine(12, new int[] {9, 9, 9, 9}, true, false, 1L << 30);
    long physOffset = 0x8000_0000L;
    VaLayout l = new VaLayout(List.of(new Region("linear", PAGE_OFFSET, PAGE_OFFSET + RAM)),
        PAGE_OFFSET, physOffset, 0, 0, 0);
    assertThat(Long.numberOfTrailingZeros(PAGE_OFFSET)).as("aligned below the RAM size")
        .isLessThan(Long.numberOfTrailingZeros(RAM));
    long pgd = e.newPgd(org.percpulab.core.mem.PagePurpose.SHARED);
    for (long bank = 0; bank < RAM; bank += 1L << 30) {
      long pa = physOffset + bank;
      assertThat(e.mapRange(pgd, l.physToVirt(pa), pa, 1L << 30, 1, 63)).as("bank at 0x%x", pa)
          .isGreaterThanOrEqualTo(0);
    }
    for (long off = 0; off < RAM; off += 4096) {
      long va = PAGE_OFFSET + off;
      long pa = physOffset + off;
      if (e.translate(pgd, va) != pa || l.physToVirt(pa) != va || l.virtToPhys(va) != pa) {
        throw new AssertionError(String.format("va 0x%x translates to 0x%x, expected 0x%x", va,
            e.translate(pgd, va), pa));
      }
    }
  }
}
