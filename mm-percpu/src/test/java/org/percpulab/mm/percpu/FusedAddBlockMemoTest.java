package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.cpu.Tlb;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.testkit.TestMachines;

/**
 * The fused this_cpu_add's remembered translation to PhysMem words ({@code Cpu.translateToBlock})
 * is dropped exactly when what it caches changes: a TLB flush makes the next add walk again, a fill
 * of another page makes it a plain TLB lookup, and a discarded page makes it write to PhysMem
 * afresh instead of the dropped array.
 */
class FusedAddBlockMemoTest {

  @Test
  void theRememberedBlockFollowsTheTlbAndPhysMem() {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap", "off"));
    PercpuSystem sys = PercpuSystem.boot(m);
    ThisCpuEngine e = new ThisCpuEngine(sys);
    long ptr = sys.alloc(8, 8, false);
    Cpu c = m.cpu(1);
    Tlb t = c.tlb();
    e.add(1, ptr, 8, 1);
    e.add(1, ptr, 8, 1);
    long pa = c.translate(ptr + c.perCpuOffset());
    long walks = c.walks();
    long hits = t.hits();
    long misses = t.misses();
    e.add(1, ptr, 8, 1);
    assertThat(c.walks()).as("remembered: no walk").isEqualTo(walks);
    assertThat(t.hits()).as("still counted as a TLB hit").isEqualTo(hits + 1);
    assertThat(m.mem().read64(pa)).isEqualTo(3);

    m.cpus().flushLocalAll(1);
    e.add(1, ptr, 8, 1);
    assertThat(c.walks()).as("after the flush the add walks").isEqualTo(walks + 1);
    assertThat(t.misses()).isEqualTo(misses + 1);
    assertThat(m.mem().read64(pa)).isEqualTo(4);

    // a fill of another page changes the TLB: the next add is an ordinary lookup hit
    long other = c.translate(m.layout().physToVirt(m.mem().startPa() + (64L << 20)));
    assertThat(other).isNotEqualTo(Cpu.FAULT);
    long hitsBefore = t.hits();
    e.add(1, ptr, 8, 1);
    assertThat(t.hits()).isEqualTo(hitsBefore + 1);
    assertThat(c.walks()).isEqualTo(walks + 2);
    assertThat(m.mem().read64(pa)).isEqualTo(5);

    // the page's contents dropped (as when it is freed): the add must not write the old array
    m.mem().discard(pa >>> m.mem().pageShift(), 1);
    assertThat(m.mem().read64(pa)).isZero();
    e.add(1, ptr, 8, 1);
    assertThat(m.mem().read64(pa)).isEqualTo(1);
    e.add(1, ptr, 8, 1);
    assertThat(m.mem().read64(pa)).isEqualTo(2);
    assertThat(e.read(1, ptr, 8)).isEqualTo(2);
  }
}
