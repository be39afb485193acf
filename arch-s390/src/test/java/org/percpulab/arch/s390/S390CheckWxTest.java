package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.CheckWxProbe;
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
    java.util.List<String> dump = CheckWxProbe.dump(m);
    assertThat(dump).contains("0x000003ffe1700000-0x000003ffe2000000         9M PMD RW NX",
        "0x000003ffe0100000-0x000003ffe1000000        15M PMD RO X");
    assertThat(CheckWxProbe.checkWx(m, 1))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
    long va = S390Layout.VMALLOC_START + (1L << 30);
    assertThat(CheckWxProbe.mapWriteExecPage(m, va)).isNotNegative();
    assertThat(CheckWxProbe.checkWx(m, 1))
        .contains("Checked W+X mappings: FAILED, 1 W+X pages found");
  }
}
