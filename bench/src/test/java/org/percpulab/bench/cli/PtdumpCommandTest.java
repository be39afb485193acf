package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PtdumpCommandTest {

  static final java.util.List<String> KERNEL_MARKERS = java.util.List.of(
      "---[ Linear Mapping start ]---", "---[ Linear Mapping end ]---", "---[ Modules start ]---",
      "---[ Modules end ]---", "---[ vmalloc() area ]---", "---[ vmalloc() end ]---",
      "---[ vmemmap start ]---", "---[ vmemmap end ]---", "---[ PCI I/O start ]---",
      "---[ PCI I/O end ]---", "---[ Fixmap start ]---", "---[ Fixmap end ]---");

  private static java.util.List<String> markers(String out) {
    java.util.List<String> m = new java.util.ArrayList<>();
    for (String l : out.split("\n")) {
      if (l.startsWith("---[")) {
        m.add(l);
      }
    }
    return m;
  }

  /**
   * The default machine (4K/48, 4 GiB) dumps all twelve kernel markers in the kernel's order, the
   * local area's pair only with the local map; vmemmap (64 MiB of struct pages in 2 MiB PMD blocks),
   * the fixmap's PTE tables with the FDT's 1 MiB read-only mapping at FIX_FDT, the linear map page
   * by page (text/rodata alias read-only), the image's data segment RW NX.
   */
  @Test void allTwelveKernelMarkersAndTheBootMappings() {
    Cli off = Cli.run("ptdump", "--cpu", "0", "--set", "percpu.localMap=off");
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(markers(off.out())).containsExactlyElementsOf(KERNEL_MARKERS);
    Cli on = Cli.run("ptdump", "--cpu", "0");
    assertThat(on.code()).as(on.err()).isZero();
    java.util.List<String> withLocal = new java.util.ArrayList<>(KERNEL_MARKERS);
    withLocal.addAll(6, java.util.List.of("---[ percpu local area ]---",
        "---[ percpu local area end ]---"));
    assertThat(markers(on.out())).containsExactlyElementsOf(withLocal);
    assertThat(on.out()).contains("---[ vmemmap start ]---\n"
        + "0xfffffdffc0000000-0xfffffdffc4000000          64M PMD       RW NX SHD AF        BLK UXN"
        + "    MEM/NORMAL\n0xfffffdffc4000000-0xfffffe0000000000         960M PMD\n")
        .contains("---[ Fixmap start ]---\n"
        + "0xffffffffff22d000-0xffffffffff5fe000        3908K PTE\n"
        + "0xffffffffff5fe000-0xffffffffff6fe000           1M PTE       ro NX SHD AF            UXN"
        + "    MEM/NORMAL\n0xffffffffff6fe000-0xffffffffff800000        1032K PTE\n"
        + "---[ Fixmap end ]---\n")
        .contains("---[ Linear Mapping start ]---\n"
        + "0xffff000000000000-0xffff000001a00000          26M PTE       ro NX SHD AF            UXN"
        + "    MEM/NORMAL\n"
        + "0xffff000001a00000-0xffff000100000000        4070M PTE       RW NX SHD AF            UXN"
        + "    MEM/NORMAL\n")
        .contains("0xffff800081f00000-0xffff800082000000           1M PTE       RW NX SHD AF    CON"
        + "     UXN    MEM/NORMAL\n");
    Cli blocks = Cli.run("ptdump", "--set", "arm64.rodataFull=false");
    assertThat(blocks.out()).as("map_mem's blocks: 26 MiB alias in 2 MiB PMDs, 1 GiB PUDs")
        .contains("0xffff000000000000-0xffff000001a00000          26M PMD       ro NX SHD AF"
        + "        BLK UXN    MEM/NORMAL\n")
        .contains("0xffff000040000000-0xffff000100000000           3G PUD       RW NX SHD AF"
        + "        BLK UXN    MEM/NORMAL\n");
  }

  /** 64K/52 with 4 GiB: vmemmap in 64K pages (no PMD blocks off 4K), the fixmap and the FDT. */
  @Test void vmemmapAndFixmapOn64K52() {
    Cli r = Cli.run("ptdump", "--set", "mm.pageSize=64K", "--set", "mm.vaBits=52");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("---[ vmemmap start ]---\n"
        + "0xfffffc1fc0000000-0xfffffc1fc0400000           4M PTE       RW NX SHD AF            UXN"
        + "    MEM/NORMAL\n0xfffffc1fc0400000-0xfffffc1fe0000000         508M PTE\n")
        .contains("---[ Fixmap start ]---\n"
        + "0xfffffffffd310000-0xffffffffff5e0000       35648K PTE\n"
        + "0xffffffffff5e0000-0xffffffffff6e0000           1M PTE       ro NX SHD AF            UXN"
        + "    MEM/NORMAL\n0xffffffffff6e0000-0xffffffffff800000        1152K PTE\n"
        + "---[ Fixmap end ]---\n");
    assertThat(markers(r.out())).contains(KERNEL_MARKERS.toArray(new String[0]));
  }

  /** s390 prints dump_pagetables.c's format, generic its documented one; both pass the W+X check. */
  @Test void s390AndGenericPrintTheirOwnFormats() {
    Cli s = Cli.run("ptdump", "--arch", "s390", "--cpu", "0");
    assertThat(s.code()).as(s.err()).isZero();
    // v6.17 setup_vmem: lowcore in pages first, identity map from 8 KiB (pages up to 1 MiB, 1 MiB
    // frames up to 2 GiB, then a 2 GiB frame), amode31 text RO X right below text_lma; the image
    // from _stext = TEXT_OFFSET in 1 MiB frames, split where ro_after_init ends (S390KernelImage)
    assertThat(s.out()).startsWith("---[ Kernel Virtual Address Space ]---\n"
        + "---[ Identity Mapping Start ]---\n---[ Lowcore Start ]---\n"
        + "0x0000000000000000-0x0000000000002000         8K PTE RW NX\n---[ Lowcore End ]---\n"
        + "0x0000000000002000-0x00000000000fd000      1004K PTE RW NX\n"
        + "---[ Amode31 Area Start ]---\n"
        + "0x00000000000fd000-0x00000000000fe000         4K PTE RO X\n"
        + "0x00000000000fe000-0x0000000000100000         8K PTE RW NX\n"
        + "---[ Amode31 Area End ]---\n"
        + "0x0000000000100000-0x0000000080000000      2047M PMD RW NX\n"
        + "0x0000000080000000-0x0000000100000000         2G PUD RW NX\n"
        + "---[ Identity Mapping End ]---\n")
        .contains("---[ vmemmap Area Start ]---\n"
        + "0x0000037200000000-0x0000037204000000        64M PMD RW NX\n---[ vmemmap Area End ]---\n")
        .contains("---[ Lowcore Area Start ]---\n"
        + "0x0000037fdff7e000-0x0000037fdff80000         8K PTE RW NX\n")
        .contains("0x000003ffe0000000-0x000003ffe0100000         1M PMD I\n"
        + "---[ Kernel Image Start ]---\n"
        + "0x000003ffe0100000-0x000003ffe1000000        15M PMD RO X\n"
        + "0x000003ffe1000000-0x000003ffe1600000         6M PMD RO NX\n"
        + "0x000003ffe1600000-0x000003ffe1620000       128K PTE RO NX\n"
        + "0x000003ffe1620000-0x000003ffe1700000       896K PTE RW NX\n"
        + "0x000003ffe1700000-0x000003ffe2000000         9M PMD RW NX\n"
        + "---[ Kernel Image End ]---\n")
        // the default region-third ASCE: max_addr = 1 << (11 x 1 + 31) = 4 TiB ends the walk
        .endsWith("0x000003ffe2000000-0x0000040000000000       480M PMD I\n");
    // region-second: the same lines, then the rest of the 8 PiB (a hole of the top table, which
    // the generic walker notes at its p4d depth: PGD in s390's level names)
    Cli s53 = Cli.run("ptdump", "--arch", "s390", "--cpu", "0", "--set", "mm.vaBits=53");
    assertThat(s53.out()).isEqualTo(s.out()
        + "0x0000040000000000-0x0020000000000000      8188T PGD I\n");
    assertThat(Cli.run("ptdump", "--arch", "s390", "--check-wx").out())
        .isEqualTo("Checked W+X mappings: passed, no W+X pages found\n");
    Cli g = Cli.run("ptdump", "--arch", "generic", "--cpu", "0");
    assertThat(g.code()).as(g.err()).isZero();
    assertThat(g.out()).startsWith("---[ linear start ]---\n"
        + "0xffff888000000000-0xffff888100000000         4G PUD RW NX\n")
        .contains("---[ vmemmap start ]---\n"
        + "0xffffea0000000000-0xffffea0004000000        64M PMD RW NX\n")
        .contains("---[ kernel start ]---\n"
        + "0xffffffff80000000-0xffffffff81000000        16M PTE ro x\n"
        + "0xffffffff81000000-0xffffffff81800000         8M PTE ro NX\n"
        + "0xffffffff81800000-0xffffffff82000000         8M PTE RW NX\n");
    assertThat(Cli.run("ptdump", "--arch", "generic", "--check-wx").out())
        .isEqualTo("Checked W+X mappings: passed, no W+X pages found\n");
    assertThat(Cli.run("ptdump", "--arch", "s390", "--diff", "0", "1").code()).isZero();
  }

  @Test void checkWxPassesOnBoot() {
    Cli r = Cli.run("ptdump", "--set", "percpu.localLayout=mirror", "--check-wx", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(r.out()).isEqualTo("Checked W+X mappings: passed, no W+X pages found\n");
  }

  @Test void badCpu() {
    Cli r = Cli.run("ptdump", "--set", "percpu.localLayout=mirror", "--cpu", "7", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: option '--cpu': value '7' is not allowed; allowed: 0..1\n");
  }

  @Test void diffOfTwoCpusShowsOnlyTheLocalArea() {
    Cli d = Cli.run("ptdump", "--set", "percpu.localLayout=mirror", "--diff", "0", "1", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(d.err()).isEmpty();
    assertThat(d.code()).isZero();
    String[] all = d.out().split("\n");
    assertThat(all[0]).isEqualTo("--- cpu0 (CPU 0's kernel page table)");
    assertThat(all[1]).isEqualTo("+++ cpu1 (CPU 1's kernel page table)");
    assertThat(all[2]).startsWith("(lines with '-' are only in cpu0, with '+' only in cpu1;");
    String[] lines = java.util.Arrays.copyOfRange(all, 3, all.length);
    assertThat(lines[0]).isEqualTo("----[ percpu local area ]---");
    // 2 CPUs: the page first chunk is 2 x 0x1c000 below the local area, its local range 512 GiB
    // higher: 0xfffffd8000000000 - 0x38000; memblock hands out its pages top-down one by one, so
    // consecutive VAs map descending PAs and every page is its own line
    assertThat(lines[1]).startsWith("-0xfffffd7ffffc8000-0xfffffd7ffffc9000           4K PTE")
        .endsWith(" pa=0x13feff000");
    assertThat(lines[2]).startsWith("-0xfffffd7ffffc9000-0xfffffd7ffffca000           4K PTE")
        .endsWith(" pa=0x13fefe000");
    for (String l : lines) {
      assertThat(l).as("only local-area lines").matches("[-+](---\\[ percpu local area \\]---|"
          + "0xfffffd7.*pa=0x[0-9a-f]+)");
    }
  }

  @Test void diffOfBareCpusIsEmptyAndJson() {
    Cli r = Cli.run("ptdump", "--set", "percpu.localLayout=mirror", "--no-percpu", "--diff", "0", "1", "--set", "arch=arm64",
        "--set", "cpus=2");
    assertThat(r.code()).isZero();
    assertThat(r.out()).endsWith("; 0 lines)\n");
    Cli j = Cli.run("ptdump", "--set", "percpu.localLayout=mirror", "--cpu", "1", "--format", "json", "--set", "arch=arm64",
        "--set", "cpus=2");
    assertThat(j.out()).contains("\"table\"").contains("cpu1").contains("percpu local area");
  }
}
