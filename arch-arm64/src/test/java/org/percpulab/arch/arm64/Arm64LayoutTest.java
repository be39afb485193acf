package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * v6.17 layout per geometry, all ten. The 4K/48, 4K/39, 16K/47, 64K/42 and 64K/48 rows are
 * kernel-facts §1.2; the other five (16K/52 is the LPA2 four-level build) are derived here from the
 * same memory.h formulas.
 */
class Arm64LayoutTest {

  @ParameterizedTest(name = "{0}K/{1}")
  @CsvSource({
      // k, va, PAGE_OFFSET, PAGE_END, VMALLOC_START, VMALLOC_END(kernel), VMEMMAP_START,
      // FIXADDR_TOT_START, local start, local end, private level, private tables/CPU
      "4, 48, ffff000000000000, ffff800000000000, ffff800080000000, fffffdffbf800000, fffffdffc0000000, ffffffffff22d000, fffffd0000000000, fffffd8000000000, 0, 4",
      "4, 39, ffffff8000000000, ffffffc000000000, ffffffc080000000, fffffffebf800000, fffffffec0000000, ffffffffff22d000, fffffffe40000000, fffffffe80000000, 0, 3",
      "4, 52, fff0000000000000, ffff800000000000, ffff800080000000, ffffc1ffbf800000, ffffc1ffc0000000, ffffffffff22d000, ffffc10000000000, ffffc18000000000, 1, 5",
      "16, 36, fffffff000000000, fffffff800000000, fffffff880000000, ffffffffb7800000, ffffffffb8000000, fffffffffebf4000, ffffffff76000000, ffffffffb6000000, 0, 2",
      "16, 47, ffff800000000000, ffffc00000000000, ffffc00080000000, ffffffbfbf800000, ffffffbfc0000000, fffffffffebf4000, ffffffa000000000, ffffffb000000000, 0, 3",
      "16, 52, fff0000000000000, ffffc00000000000, ffffc00080000000, fffff03fbf800000, fffff03fc0000000, fffffffffebf4000, fffff02000000000, fffff03000000000, 1, 4",
      "16, 48, ffff000000000000, ffff800000000000, ffff800080000000, ffffff7fbf800000, ffffff7fc0000000, fffffffffebf4000, ffffff6000000000, ffffff7000000000, 1, 4",
      "64, 42, fffffc0000000000, fffffe0000000000, fffffe0080000000, ffffffff3f800000, ffffffff40000000, fffffffffd310000, fffffffee0000000, ffffffff20000000, 0, 2",
      "64, 48, ffff000000000000, ffff800000000000, ffff800080000000, ffffffdfbf800000, ffffffdfc0000000, fffffffffd310000, fffff80000000000, fffffc0000000000, 0, 3",
      "64, 52, fff0000000000000, ffff800000000000, ffff800080000000, fffffc1fbf800000, fffffc1fc0000000, fffffffffd310000, fffff80000000000, fffffc0000000000, 0, 3",
  })
  void layoutPerGeometry(int k, int va, String po, String pe, String vs, String ve, String vms,
      String fts, String ls, String le, int privLevel, int privTables) {
    Geometry g = Arm64Geometries.of(Integer.numberOfTrailingZeros(k * 1024), va);
    Arm64Layout l = new Arm64Layout(g, 512);
    assertThat(hex(l.pageOffset)).isEqualTo(po);
    assertThat(hex(l.pageEnd)).isEqualTo(pe);
    assertThat(l.modulesVaddr).isEqualTo(l.pageEnd);
    assertThat(l.modulesEnd - l.modulesVaddr).isEqualTo(2L << 30);
    assertThat(hex(l.vmallocStart)).isEqualTo(vs);
    assertThat(l.kimageVaddr).isEqualTo(l.vmallocStart);
    assertThat(hex(l.kernelVmallocEnd)).isEqualTo(ve);
    assertThat(hex(l.vmemmapStart)).isEqualTo(vms);
    assertThat(hex(l.vmemmapEnd)).isEqualTo("ffffffffc0000000");
    assertThat(hex(l.pciIoStart)).isEqualTo("ffffffffc0800000");
    assertThat(hex(l.pciIoEnd)).isEqualTo("ffffffffc1800000");
    assertThat(hex(l.fixaddrTop)).isEqualTo("ffffffffff800000");
    assertThat(hex(l.fixaddrTotStart)).isEqualTo(fts);
    assertThat(hex(l.localStart)).isEqualTo(ls);
    assertThat(hex(l.localEnd)).isEqualTo(le);
    assertThat(l.localPrivateLevel).isEqualTo(privLevel);
    assertThat(l.privateTablesPerCpuAtBoot()).isEqualTo(privTables);
    // at least 1 GiB, and no shared region inside the private-level entries it spans
    assertThat(l.localEnd - l.localStart).isGreaterThanOrEqualTo(1L << 30);
    long entry = g.entrySize(privLevel);
    long first = l.localStart & -entry;
    long lastEnd = ((l.localEnd - 1) & -entry) + entry;
    VaLayout on = l.toVaLayout(true);
    for (Region r : on.regions()) {
      if (!r.name().equals("percpu-local")) {
        boolean overlaps = Long.compareUnsigned(r.start(), lastEnd) < 0
            && Long.compareUnsigned(r.end() - 1, first) >= 0;
        assertThat(overlaps).as("%s shares a level-%d entry with the local area", r.name(),
            privLevel).isFalse();
      }
    }
    // everything above the private level is a single path: one entry per level holds the area
    for (int lv = 0; lv < privLevel; lv++) {
      long e = g.entrySize(lv);
      assertThat(l.localStart & -e).isEqualTo((l.localEnd - 1) & -e);
    }
  }

  @Test void layoutRegionsSortedAndGateOffLeavesVmallocAlone() {
    Arm64Layout l = new Arm64Layout(Arm64Geometries.of(12, 48), 512);
    VaLayout off = l.toVaLayout(false);
    VaLayout on = l.toVaLayout(true);
    List<String> names = new ArrayList<>();
    for (Region r : on.regions()) {
      names.add(r.name() + " " + hex(r.start()) + "-" + hex(r.end()));
    }
    assertThat(names).containsExactly(
        "linear ffff000000000000-ffff800000000000",
        "modules ffff800000000000-ffff800080000000",
        "vmalloc ffff800080000000-fffffd0000000000",
        "percpu-local fffffd0000000000-fffffd8000000000",
        "vmemmap fffffdffc0000000-ffffffffc0000000",
        "pci-io ffffffffc0800000-ffffffffc1800000",
        "fixmap ffffffffff22d000-ffffffffff800000");
    assertThat(off.region("percpu-local")).isEmpty();
    assertThat(hex(off.vmallocEnd())).isEqualTo("fffffdffbf800000");
    assertThat(hex(on.vmallocEnd())).isEqualTo("fffffd0000000000");
  }

  @Test void fixmapFromKernelFacts() {
    Arm64Layout l = new Arm64Layout(Arm64Geometries.of(12, 48), 512);
    assertThat(hex(l.trampValias)).isEqualTo("ffffffffff3f3000");
    assertThat(hex(l.fixaddrStart)).isEqualTo("ffffffffff3f2000");
  }

  @Test void linearMapConversions() {
    VaLayout v = new Arm64Layout(Arm64Geometries.of(12, 48), 512).toVaLayout(true);
    assertThat(hex(v.physToVirt(0x4020_0000L))).isEqualTo("ffff000000200000");
    assertThat(v.virtToPhys(0xffff000000200000L)).isEqualTo(0x4020_0000L);
  }

  /**
   * arm64.lpa2=false: a 52-bit build on a CPU without LPA2/LVA runs with vabits_actual =
   * VA_BITS_MIN; the linear map starts at _PAGE_OFFSET(vabits_actual), the used vmemmap at
   * virt_to_page of it, VMALLOC_END = VMEMMAP_START + VMEMMAP_UNUSED_NPAGES x 64 - 8 MiB.
   */
  @ParameterizedTest(name = "{0}K/52 without LPA2")
  @CsvSource({
      // k, actual VA, levels, PAGE_OFFSET, used VMEMMAP start, VMALLOC_END
      "4, 48, 4, ffff000000000000, fffffdffc0000000, fffffdffbf800000",
      "16, 47, 3, ffff800000000000, ffffffbfc0000000, ffffffbfbf800000",
      "64, 48, 3, ffff000000000000, ffffffdfc0000000, ffffffdfbf800000",
  })
  void fiftyTwoBitBuildWithoutLpa2(int k, int actual, int levels, String po, String vms,
      String ve) {
    int ps = Integer.numberOfTrailingZeros(k * 1024);
    assertThat(Arm64Geometries.vaBitsMin(ps, 52)).isEqualTo(actual);
    Geometry g = Arm64Geometries.of(ps, actual);
    assertThat(g.levels()).isEqualTo(levels);
    Arm64Layout l = new Arm64Layout(g, 512, 52);
    assertThat(hex(l.pageOffset)).isEqualTo(po);
    assertThat(hex(l.vmemmapStart)).isEqualTo(vms);
    assertThat(hex(l.kernelVmallocEnd)).isEqualTo(ve);
    assertThat(l.buildVaBits).isEqualTo(52);
    Arm64Layout build = new Arm64Layout(Arm64Geometries.of(ps, 52), 512);
    assertThat(l.pageEnd).as("PAGE_END is the build's").isEqualTo(build.pageEnd);
    assertThat(l.fixaddrTotStart).isEqualTo(build.fixaddrTotStart);
    assertThat(l.vmemmapStart - build.vmemmapStart).as("unused vmemmap")
        .isEqualTo(((l.pageOffset - build.pageOffset) >>> ps) * 64);
  }

  static String hex(long v) {
    return String.format("%016x", v);
  }
}
