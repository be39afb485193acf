package org.percpulab.arch.generic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.testkit.TestMachines;

/**
 * The generic backend's documented ptdump (GenericPtdumpTables) check_wx on the booted machine: the image's data part is RW
 * NX and its text ro x, the linear map RW NX, so the check passes; one PAGE_KERNEL_EXEC page in
 * vmalloc makes it fail with the kernel's count line.
 */
class GenericCheckWxTest {

  @Test
  void bootPassesAndOneWriteExecPageFails() {
    Machine m = TestMachines.boot("generic", 2);
    PtdumpTables t = m.model().capability(PtdumpTables.class).orElseThrow();
    java.util.List<String> dump = Ptdump.dump(t, EngineNotes.of(m.engine(), m.kpt().swapperPgd()),
        4096);
    assertThat(dump).contains("0xffffffff81800000-0xffffffff82000000         8M PTE RW NX",
        "0xffffffff80000000-0xffffffff81000000        16M PTE ro x");
    assertThat(Ptdump.checkWx(t, EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), 4096))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
    long va = m.layout().vmallocStart() + (1L << 30);
    long pfn = m.allocator().allocPage(org.percpulab.core.mem.PagePurpose.vmalloc());
    assertThat(m.kpt().mapShared(va, pfn << 12, 4096,
        m.model().descriptors().prot(ProtKind.KERNEL_EXEC), 12)).isNotNegative();
    assertThat(Ptdump.checkWx(t, EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), 4096))
        .contains("Checked W+X mappings: FAILED, 1 W+X pages found");
  }
}
