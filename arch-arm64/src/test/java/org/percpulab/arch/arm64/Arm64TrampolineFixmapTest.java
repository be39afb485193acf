package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.CheckWxProbe;
import org.percpulab.core.testkit.TestMachines;

/**
 * arch/arm64/mm/mmu.c map_entry_trampoline (v6.17): with KPTI active the trampoline text goes to
 * fixmap slot FIX_ENTRY_TRAMP_TEXT1 (TRAMP_VALIAS) global ROX, the RELOCATABLE data page to the next
 * slot RO (nG like every KPTI kernel mapping); the fixmap tables exist already, so swapper gains no
 * table page. Without KPTI (arm64.kpti=false, the default) nothing is mapped there.
 */
class Arm64TrampolineFixmapTest {

  private static Machine boot(String kpti) {
    return TestMachines.boot(Map.of("arch", "arm64", "cpus", "2", "arm64.kpti", kpti));
  }

  @Test
  void kptiMapsTheTrampolineSlotsAndNoTable() {
    Machine on = boot("true");
    Machine off = boot("false");
    Arm64Layout l = ((Arm64Model) on.model()).arm64Layout();
    assertThat(l.trampValias).isEqualTo(0xffffffffff3f3000L);
    long ram = on.mem().startPa();
    assertThat(on.cpu(1).translate(l.trampValias + 0x10)).isEqualTo(ram + 0x10);
    assertThat(on.cpu(1).translate(l.trampValias + 4096)).isEqualTo(ram + 4096);
    assertThat(off.cpu(1).translate(l.trampValias)).isEqualTo(Cpu.FAULT);
    assertThat(on.kpt().sharedTablePages()).isEqualTo(off.kpt().sharedTablePages());
    on.verifyConsistent();
    assertThat(CheckWxProbe.dump(on)).contains(
        "0xffffffffff3f3000-0xffffffffff3f4000           4K PTE       ro x  SHD AF            UXN"
            + "    MEM/NORMAL",
        "0xffffffffff3f4000-0xffffffffff3f5000           4K PTE       ro NX SHD AF NG         UXN"
            + "    MEM/NORMAL");
    assertThat(CheckWxProbe.checkWx(on, 0))
        .containsExactly("Checked W+X mappings: passed, no W+X pages found");
  }
}
