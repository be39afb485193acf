package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.testkit.TestMachines;

/**
 * arch/s390/mm/dump_pagetables.c ptdump_check_wx on the booted machine: the image's data part is RW
 * NX and its text RO X, the identity map RW NX, so the check passes; one PAGE_KERNEL_EXEC page in
 * vmalloc makes it fail with the kernel's count line.
 */
class S390CheckWxTest {

  @Test
  void bootPassesAndOneWriteExecPageFails() {
    Machine m = TestMachines.boot("s390", 2);
    PtdumpTables t = m.model().capability(PtdumpTables.class).orElseThrow();
    java.util.List<String> dump = Ptdump.dump(t, EngineNotes.of(m.engine(), m.kpt().swapperPgd()),
        4096);
    assertThat(dump).contains("0x000003ffe1700000-0x000003ffe2000000         9M PMD RW NX",
        "0x000003ffe0100000-0x000003ffe1000000        15M PMD RO X");
    assertThat(Ptdump.checkWx(t, EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), 4096))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
    long va = S390Layout.VMALLOC_START + (1L << 30);
    long pfn = m.allocator().allocPage(org.percpulab.core.mem.PagePurpose.vmalloc());
    assertThat(m.kpt().mapShared(va, pfn << 12, 4096,
        m.model().descriptors().prot(ProtKind.KERNEL_EXEC), 12)).isNotNegative();
    assertThat(Ptdump.checkWx(t, EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), 4096))
        .contains("Checked W+X mappings: FAILED, 1 W+X pages found");
  }
}
