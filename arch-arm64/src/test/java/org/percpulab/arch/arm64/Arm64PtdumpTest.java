package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;

/**
 * Whole ptdump outputs compared line by line. Line layout, attribute columns and marker handling
 * follow arch/arm64/mm/ptdump.c note_page(); the first, third, fourth and PCI I/O lines of the
 * 4K/48 dump are the kernel-facts §2.2 example lines verbatim.
 */
class Arm64PtdumpTest {

  private static FakeWalk scenario(Geometry g, Arm64Layout l, Arm64Descriptors d, long localPa) {
    long k = d.prot(ProtKind.KERNEL);
    int last = g.levels() - 1;
    return new FakeWalk(g)
        .map(l.pageOffset, last - 1, 2, 0x40000000L, k, d)
        .map(l.vmallocStart, last, 4, 0x48000000L, d.prot(ProtKind.KERNEL_EXEC), d)
        .map(l.localStart, last, 2, localPa, k, d);
  }

  @Test void swapper4k48() {
    Geometry g = Arm64Geometries.of(12, 48);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    Arm64Layout l = new Arm64Layout(g, 512);
    long k = d.prot(ProtKind.KERNEL);
    FakeWalk w = new FakeWalk(g)
        .map(0xffff000000000000L, 3, 512, 0x40000000L, k, d)
        .map(0xffff000040000000L, 2, 512, 0x80000000L, k, d)
        .map(0xffff000080000000L, 1, 2, 0xc0000000L, k, d)
        .map(0xffff800080000000L, 3, 16, 0x48000000L, d.prot(ProtKind.KERNEL_ROX), d)
        .map(0xfffffd0000000000L, 3, 30, 0x50000000L, k, d)
        .map(0xffffffffc0800000L, 3, 16, 0x3eff0000L, d.prot(ProtKind.DEVICE), d);
    assertThat(Ptdump.dump(new Arm64PtdumpTables(l, true), w, 4096)).containsExactly(
        "---[ Linear Mapping start ]---",
        "0xffff000000000000-0xffff000000200000           2M PTE       RW NX SHD AF            UXN    MEM/NORMAL",
        "0xffff000000200000-0xffff000040000000        1022M PMD",
        "0xffff000040000000-0xffff000080000000           1G PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL",
        "0xffff000080000000-0xffff000100000000           2G PUD       RW NX SHD AF        BLK UXN    MEM/NORMAL",
        "0xffff000100000000-0xffff008000000000         508G PUD",
        "0xffff008000000000-0xffff800000000000      130560G PGD",
        "---[ Linear Mapping end ]---",
        "---[ Modules start ]---",
        "0xffff800000000000-0xffff800080000000           2G PUD",
        "---[ Modules end ]---",
        "---[ vmalloc() area ]---",
        "0xffff800080000000-0xffff800080010000          64K PTE       ro x  SHD AF            UXN    MEM/NORMAL",
        "0xffff800080010000-0xffff800080200000        1984K PTE",
        "0xffff800080200000-0xffff8000c0000000        1022M PMD",
        "0xffff8000c0000000-0xffff808000000000         509G PUD",
        "0xffff808000000000-0xfffffd0000000000      127488G PGD",
        "---[ vmalloc() end ]---",
        "---[ percpu local area ]---",
        "0xfffffd0000000000-0xfffffd000001e000         120K PTE       RW NX SHD AF            UXN    MEM/NORMAL",
        "0xfffffd000001e000-0xfffffd0000200000        1928K PTE",
        "0xfffffd0000200000-0xfffffd0040000000        1022M PMD",
        "0xfffffd0040000000-0xfffffd8000000000         511G PUD",
        "---[ percpu local area end ]---",
        "0xfffffd8000000000-0xfffffe0000000000         512G PGD",
        "---[ vmemmap start ]---",
        "0xfffffe0000000000-0xffffff8000000000        1536G PGD",
        "0xffffff8000000000-0xffffffffc0000000         511G PUD",
        "---[ vmemmap end ]---",
        "0xffffffffc0000000-0xffffffffc0800000           8M PMD",
        "---[ PCI I/O start ]---",
        "0xffffffffc0800000-0xffffffffc0810000          64K PTE       RW NX SHD AF            UXN    DEVICE/nGnRE",
        "0xffffffffc0810000-0xffffffffc0a00000        1984K PTE",
        "0xffffffffc0a00000-0xffffffffc1800000          14M PMD",
        "---[ PCI I/O end ]---",
        "0xffffffffc1800000-0xffffffffff400000         988M PMD",
        "---[ Fixmap start ]---",
        "0xffffffffff400000-0xffffffffff800000           4M PMD",
        "---[ Fixmap end ]---",
        "0xffffffffff800000-0x0000000000000000           8M PMD");
  }

  @Test void threeLevelFoldsPudIntoPgd() {
    Geometry g = Arm64Geometries.of(12, 39);
    Arm64Layout l = new Arm64Layout(g, 512);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    assertThat(Ptdump.dump(new Arm64PtdumpTables(l, true), scenario(g, l, d, 0x50000000L), 4096))
        .containsExactly(
        "---[ Linear Mapping start ]---",
        "0xffffff8000000000-0xffffff8000400000           4M PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL",
        "0xffffff8000400000-0xffffff8040000000        1020M PMD",
        "0xffffff8040000000-0xffffffc000000000         255G PGD",
        "---[ Linear Mapping end ]---",
        "---[ Modules start ]---",
        "0xffffffc000000000-0xffffffc080000000           2G PGD",
        "---[ Modules end ]---",
        "---[ vmalloc() area ]---",
        "0xffffffc080000000-0xffffffc080004000          16K PTE       RW x  SHD AF            UXN    MEM/NORMAL",
        "0xffffffc080004000-0xffffffc080200000        2032K PTE",
        "0xffffffc080200000-0xffffffc0c0000000        1022M PMD",
        "0xffffffc0c0000000-0xfffffffe40000000         246G PGD",
        "---[ vmalloc() end ]---",
        "---[ percpu local area ]---",
        "0xfffffffe40000000-0xfffffffe40002000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL",
        "0xfffffffe40002000-0xfffffffe40200000        2040K PTE",
        "0xfffffffe40200000-0xfffffffe80000000        1022M PMD",
        "---[ percpu local area end ]---",
        "0xfffffffe80000000-0xfffffffec0000000           1G PGD",
        "---[ vmemmap start ]---",
        "0xfffffffec0000000-0xffffffffc0000000           4G PGD",
        "---[ vmemmap end ]---",
        "0xffffffffc0000000-0x0000000000000000           1G PGD");
  }

  @Test void twoLevelTopPrintsAsPmd() {
    Geometry g = Arm64Geometries.of(16, 42);
    Arm64Layout l = new Arm64Layout(g, 512);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    assertThat(Ptdump.dump(new Arm64PtdumpTables(l, true), scenario(g, l, d, 0x50000000L),
        65536)).containsExactly(
        "---[ Linear Mapping start ]---",
        "0xfffffc0000000000-0xfffffc0040000000           1G PMD       RW NX SHD AF        BLK UXN    MEM/NORMAL",
        "0xfffffc0040000000-0xfffffe0000000000        2047G PMD",
        "---[ Linear Mapping end ]---",
        "---[ Modules start ]---",
        "0xfffffe0000000000-0xfffffe0080000000           2G PMD",
        "---[ Modules end ]---",
        "---[ vmalloc() area ]---",
        "0xfffffe0080000000-0xfffffe0080040000         256K PTE       RW x  SHD AF            UXN    MEM/NORMAL",
        "0xfffffe0080040000-0xfffffe00a0000000      524032K PTE",
        "0xfffffe00a0000000-0xfffffffee0000000        2041G PMD",
        "---[ vmalloc() end ]---",
        "---[ percpu local area ]---",
        "0xfffffffee0000000-0xfffffffee0020000         128K PTE       RW NX SHD AF            UXN    MEM/NORMAL",
        "0xfffffffee0020000-0xffffffff00000000      524160K PTE",
        "0xffffffff00000000-0xffffffff20000000         512M PMD",
        "---[ percpu local area end ]---",
        "0xffffffff20000000-0xffffffff40000000         512M PMD",
        "---[ vmemmap start ]---",
        "0xffffffff40000000-0xffffffffc0000000           2G PMD",
        "---[ vmemmap end ]---",
        "0xffffffffc0000000-0xffffffffe0000000         512M PMD",
        "---[ PCI I/O start ]---",
        "---[ PCI I/O end ]---",
        "0xffffffffe0000000-0x0000000000000000         512M PMD");
  }

  @Test void gateOffHasNoLocalMarkers() {
    Geometry g = Arm64Geometries.of(12, 48);
    Arm64Layout l = new Arm64Layout(g, 512);
    assertThat(new Arm64PtdumpTables(l, false).markers()).extracting(m -> m.name())
        .containsExactly("Linear Mapping start", "Linear Mapping end", "Modules start",
            "Modules end", "vmalloc() area", "vmalloc() end", "vmemmap start", "vmemmap end",
            "PCI I/O start", "PCI I/O end", "Fixmap start", "Fixmap end");
  }

  @Test void diffOfTwoCpusShowsOnlyTheLocalArea() {
    Geometry g = Arm64Geometries.of(12, 48);
    Arm64Layout l = new Arm64Layout(g, 512);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    List<String> diff = Ptdump.diffCpus(new Arm64PtdumpTables(l, true), d,
        scenario(g, l, d, 0x50000000L), scenario(g, l, d, 0x50100000L), 4096);
    assertThat(diff).containsExactly(
        "----[ percpu local area ]---",
        "-0xfffffd0000000000-0xfffffd0000002000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL pa=0x50000000",
        "+---[ percpu local area ]---",
        "+0xfffffd0000000000-0xfffffd0000002000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL pa=0x50100000");
  }

  @Test void physicalBreaks() {
    Geometry g = Arm64Geometries.of(12, 48);
    Arm64Layout l = new Arm64Layout(g, 512);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    long k = d.prot(ProtKind.KERNEL);
    FakeWalk w = new FakeWalk(g).map(l.localStart, 3, 2, 0x50000000L, k, d)
        .map(l.localStart + 0x2000, 3, 1, 0x70000000L, k, d);
    assertThat(Ptdump.dumpWithPhys(new Arm64PtdumpTables(l, true), d, w, 4096))
        .filteredOn(s -> s.startsWith("0xfffffd00000")).containsExactly(
        "0xfffffd0000000000-0xfffffd0000002000           8K PTE       RW NX SHD AF            UXN    MEM/NORMAL pa=0x50000000",
        "0xfffffd0000002000-0xfffffd0000003000           4K PTE       RW NX SHD AF            UXN    MEM/NORMAL pa=0x70000000",
        "0xfffffd0000003000-0xfffffd0000200000        2036K PTE");
  }

  @Test void checkWx() {
    Geometry g = Arm64Geometries.of(12, 39);
    Arm64Layout l = new Arm64Layout(g, 512);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    assertThat(Ptdump.checkWx(new Arm64PtdumpTables(l, true), scenario(g, l, d, 0x50000000L),
        4096)).containsExactly(
        "arm64/mm: Found insecure W+X mapping at address 0xffffffc080000000",
        "Checked W+X mappings: FAILED, 4 W+X pages found, 0 non-UXN pages found");
    long k = d.prot(ProtKind.KERNEL);
    FakeWalk clean = new FakeWalk(g).map(l.pageOffset, 1, 2, 0x40000000L, k, d)
        .map(l.vmallocStart, 2, 4, 0x48000000L, d.prot(ProtKind.KERNEL_ROX), d);
    assertThat(Ptdump.checkWx(new Arm64PtdumpTables(l, true), clean, 4096))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
    FakeWalk uxn = new FakeWalk(g).map(l.vmallocStart, 2, 3, 0x48000000L,
        d.prot(ProtKind.KERNEL_RO) & ~Arm64Descriptors.UXN, d);
    assertThat(Ptdump.checkWx(new Arm64PtdumpTables(l, true), uxn, 4096)).containsExactly(
        "arm64/mm: Found non-UXN mapping at address 0xffffffc080000000",
        "Checked W+X mappings: FAILED, 0 W+X pages found, 3 non-UXN pages found");
  }

  @Test void sizeUnits() {
    Geometry g = Arm64Geometries.of(12, 48);
    Arm64Layout l = new Arm64Layout(g, 512);
    Arm64Descriptors d = new Arm64Descriptors(g, false);
    long k = d.prot(ProtKind.KERNEL_RO) | Arm64Descriptors.CONT;
    FakeWalk w = new FakeWalk(g).map(l.vmallocStart + 0x10000, 3, 4080, 0x48000000L, k, d);
    assertThat(Ptdump.dump(new Arm64PtdumpTables(l, true), w, 4096))
        .contains("0xffff800080010000-0xffff800081000000       16320K PTE       ro NX SHD AF    CON     UXN    MEM/NORMAL");
  }
}
