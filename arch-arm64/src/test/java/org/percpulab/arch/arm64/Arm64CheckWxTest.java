package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.CheckWxProbe;
import org.percpulab.core.testkit.TestMachines;

/**
 * ptdump_check_wx on the booted arm64 machine: the five-segment image has a writable data segment
 * (RW NX) and executable text (ro x), so the check has something to judge and passes; one
 * PAGE_KERNEL_EXEC page mapped into vmalloc makes it fail with the kernel's warning and count.
 */
class Arm64CheckWxTest {

  @Test
  void bootPassesAndOneWriteExecPageFails() {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "2"));
    java.util.List<String> dump = CheckWxProbe.dump(m);
    assertThat(dump).contains("0xffff800081f00000-0xffff800082000000           1M PTE       RW NX"
        + " SHD AF    CON     UXN    MEM/NORMAL");
    assertThat(dump).contains("0xffff800080000000-0xffff800081200000          18M PMD       ro x "
        + " SHD AF        BLK UXN    MEM/NORMAL");
    assertThat(CheckWxProbe.checkWx(m, 1))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
    long va = 0xffff800090000000L;
    assertThat(CheckWxProbe.mapWriteExecPage(m, va)).isNotNegative();
    assertThat(CheckWxProbe.checkWx(m, 1))
        .containsExactly("arm64/mm: Found insecure W+X mapping at address 0xffff800090000000",
            "Checked W+X mappings: FAILED, 1 W+X pages found, 0 non-UXN pages found");
  }
}
