package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.MapConfigView;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.BootMapping;
import org.percpulab.core.testkit.TestMachines;

/** The figures of S390BootMappings / S390KernelImage that the v6.17 sources fix. */
class S390BootMappingsTest {

  private static S390BootMappings mappings(String... kv) {
    return new S390BootMappings(new S390Descriptors(4),
        S390KernelImage.from(MapConfigView.of(kv), 32L << 20));
  }

  /** arch/s390/include/asm/page.h: TEXT_OFFSET 0x100000, AMODE31_SIZE 3 pages. */
  @Test
  void pageHConstants() {
    assertThat(S390KernelImage.TEXT_OFFSET).isEqualTo(0x100000L);
    assertThat(S390KernelImage.AMODE31_SIZE).isEqualTo(3 * 4096L);
    assertThat(S390BootMappings.LOWCORE_BYTES).as("sizeof(struct lowcore)").isEqualTo(8192L);
    assertThat(S390BootMappings.SECTION_SHIFT).as("SECTION_SIZE_BITS").isEqualTo(28);
  }

  /**
   * boot/vmem.c setup_vmem's order: lowcore (pages) before the identity map from
   * sizeof(struct lowcore), then the image from kernel_start + TEXT_OFFSET, the absolute lowcore,
   * the memcpy-real tables; vmemmap (sparse_init, after vmem_map_init) last.
   */
  @Test
  void orderAndPieces() {
    List<BootMapping> l = mappings().mappings(0, 4L << 30, 32L << 20);
    assertThat(l).extracting(BootMapping::name).containsExactly("lowcore", "identity map",
        "amode31 text", "identity map", ".text", ".rodata", ".data..ro_after_init",
        ".data .init .bss", "abs lowcore", "memcpy real", "vmemmap");
    assertThat(l.get(0).va()).isZero();
    assertThat(l.get(0).size()).isEqualTo(8192L);
    assertThat(l.get(0).maxBlockShift()).isEqualTo(12);
    assertThat(l.get(1).va()).isEqualTo(8192L);
    assertThat(l.get(2).va()).as("amode31_lma = text_lma - amode31 size").isEqualTo(0xfd000L);
    assertThat(l.get(2).prot()).isEqualTo(S390Descriptors.PAGE_KERNEL_ROX);
    assertThat(l.get(3).maxBlockShift()).as("EDAT-2: 2 GiB frames").isEqualTo(31);
    assertThat(l.get(4).va()).as("_stext").isEqualTo(0x3ffe0100000L);
    assertThat(l.get(4).pa()).isEqualTo(0x100000L);
    assertThat(l.get(4).maxBlockShift()).as("EDAT-1: 1 MiB frames").isEqualTo(20);
    assertThat(l.get(5).prot()).isEqualTo(S390Descriptors.PAGE_KERNEL_RO);
    assertThat(l.get(6).prot()).isEqualTo(S390Descriptors.PAGE_KERNEL_RO);
    assertThat(l.get(7).prot()).isEqualTo(S390Descriptors.PAGE_KERNEL);
    assertThat(l.get(7).va() + l.get(7).size()).as("_end").isEqualTo(0x3ffe2000000L);
    assertThat(l.get(8).va()).isEqualTo(S390Layout.ABS_LOWCORE);
    assertThat(l.get(9).kind()).isEqualTo(BootMapping.Kind.TABLES);
    BootMapping v = l.get(10);
    assertThat(v.kind()).isEqualTo(BootMapping.Kind.BACKED);
    assertThat(v.size()).as("16 sections x 65536 pages x 64 B").isEqualTo(64L << 20);
    assertThat(v.pa()).as("section_map_size alignment").isEqualTo(4L << 20);
    assertThat(v.maxBlockShift()).isEqualTo(20);
  }

  /** Without EDAT-2 no 2 GiB frames; without EDAT-1 pages everywhere (vmemmap too). */
  @Test
  void facilitiesDecideTheFrames() {
    List<BootMapping> one = mappings("s390.edat", "1").mappings(0, 4L << 30, 32L << 20);
    assertThat(one.get(3).maxBlockShift()).isEqualTo(20);
    assertThat(one.get(4).maxBlockShift()).isEqualTo(20);
    List<BootMapping> none = mappings("s390.edat", "0").mappings(0, 4L << 30, 32L << 20);
    for (BootMapping b : none) {
      assertThat(b.maxBlockShift()).as(b.name()).isEqualTo(12);
    }
  }

  /**
   * Exact table pages (region-third ASCE, 4 GiB): EDAT-1 only adds the segment table of
   * [2 GiB, 4 GiB) ({4, 20, 3}); no EDAT maps everything in pages: 5 segment tables (2 identity,
   * vmemmap, abs lowcore, image) and 4096 + 64 + 31 + 1 page tables (identity, vmemmap, the image
   * [1 MiB, 32 MiB), abs lowcore/memcpy real).
   */
  @Test
  void tablePagesPerFacilityLevel() {
    long[][] expect = {{4, 16, 3}, {4, 20, 3}, {4, 20, 4192}};
    String[] edat = {"2", "1", "0"};
    for (int i = 0; i < 3; i++) {
      Machine m = TestMachines.boot("s390", 4, "mm.vaBits", "42", "s390.edat", edat[i]);
      m.verifyConsistent();
      for (int l = 0; l < 3; l++) {
        assertThat(m.allocator().sharedTablePages(l)).as("edat %s level %d", edat[i], l)
            .isEqualTo(expect[i][l]);
      }
      assertThat(m.cpu(0).translate(0x3ffe1612345L)).isEqualTo(0x1612345L);
    }
  }

  /** The build-dependent sizes are keys; a bad value is one line naming the key. */
  @Test
  void imageSizesAreKeys() {
    S390KernelImage img = S390KernelImage.from(MapConfigView.of(
        "s390.image.textKiB", "8192", "s390.image.rodataKiB", "4096",
        "s390.image.roAfterInitKiB", "0"), 32L << 20);
    assertThat(img.etext()).isEqualTo(9L << 20);
    assertThat(img.endRodata()).isEqualTo(13L << 20);
    assertThat(img.endRoAfterInit()).isEqualTo(13L << 20);
    assertThat(img.describe()).contains("text 8192K", "rodata 4096K", "s390.image.textKiB");
    S390KernelImage small = S390KernelImage.from(MapConfigView.of(), 8L << 20);
    assertThat(small.etext()).as("cut at _end").isEqualTo(8L << 20);
    assertThat(new S390Backend().validate(MapConfigView.of(
        "s390.image.textKiB", "10"))).extracting(p -> p.message()).containsExactly(
        "config key 's390.image.textKiB': value '10' is not allowed; allowed: integer 0..524288,"
        + " a multiple of 4 (whole 4 KiB pages)");
  }
}
