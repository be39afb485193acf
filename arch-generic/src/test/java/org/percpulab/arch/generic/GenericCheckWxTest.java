package org.percpulab.arch.generic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.CheckWxProbe;
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
    java.util.List<String> dump = CheckWxProbe.dump(m);
    assertThat(dump).contains("0xffffffff81800000-0xffffffff82000000         8M PTE RW NX",
        "0xffffffff80000000-0xffffffff81000000        16M PTE ro x");
    assertThat(CheckWxProbe.checkWx(m, 1))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
    long va = m.layout().vmallocStart() + (1L << 30);
    assertThat(CheckWxProbe.mapWriteExecPage(m, va)).isNotNegative();
    assertThat(CheckWxProbe.checkWx(m, 1))
        .contains("Checked W+X mappings: FAILED, 1 W+X pages found");
  }
}
