package org.percpulab.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.FakeSequences;
import org.percpulab.core.testkit.TestMachines;

class MicroOpExecutorTest {

  private static final MicroOp[] LLSC_ADD = FakeSequences.llscAdd();

  private static final MicroOp[] UNPROTECTED_ADD = FakeSequences.unprotectedAdd();

  /** Two CPUs whose percpu copies are two linear-map pages; returns {machine, ptr, pa0, pa1}. */
  static long[] setup(Machine m) {
    long pa0 = m.allocator().allocPage(PagePurpose.percpu(0)) << 12;
    long pa1 = m.allocator().allocPage(PagePurpose.percpu(1)) << 12;
    long ptr = 0x1000;
    m.cpu(0).setPerCpuOffset(m.layout().physToVirt(pa0) - ptr);
    m.cpu(1).setPerCpuOffset(m.layout().physToVirt(pa1) - ptr);
    return new long[] {ptr, pa0, pa1};
  }

  @Test
  void llscAddCountsInstructionsCyclesAndWalks() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    x.execute(m.cpu(0), ThisCpuOp.ADD, LLSC_ADD, s[0], 5, 0, 8);
    assertThat(m.mem().read64(s[1])).isEqualTo(5);
    assertThat(x.instructions()).isEqualTo(8);
    // fake costs: all 1 except WALK_LEVEL 10; first access misses: 1 GiB block at level 1 = 2 reads
    assertThat(x.cycles()).isEqualTo(8 + 2 * 10);
    x.execute(m.cpu(0), ThisCpuOp.ADD, LLSC_ADD, s[0], 5, 0, 8);
    assertThat(x.cycles()).as("TLB hit now").isEqualTo(8 + 2 * 10 + 8);
    assertThat(m.cpu(0).instructions()).isEqualTo(16);
    assertThat(m.mem().read64(s[2])).as("CPU 1's copy untouched").isZero();
  }

  @Test
  void storeBetweenLoadAndStoreExclusiveForcesARetry() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    m.cpu(0).setNeedResched(false);
    // interrupts are on but preemption is disabled inside the LL/SC loop: an IRQ handler on the
    // same CPU (modelled by the hook writing the copy) breaks the monitor
    int[] calls = {0};
    x.setPreemptionHook((cpu, next) -> {
      if (next == 4 && calls[0]++ == 0) {
        x.execute(m.cpu(1), ThisCpuOp.WRITE, new MicroOp[] {
            new MicroOp("mrs", CostClass.SYSREG_READ, Effect.READ_OFFSET),
            new MicroOp("add", CostClass.ALU, Effect.ADDR_GLOBAL),
            new MicroOp("str", CostClass.STORE, Effect.STORE)}, s[0] + (s[1] - s[2]), 100, 0, 8);
      }
      return cpu;
    });
    m.cpu(0).setPreemptCount(0);
    // run with preemption enabled around it: use the unprotected LL/SC variant
    MicroOp[] llsc = java.util.Arrays.copyOfRange(LLSC_ADD, 1, 7);
    x.execute(m.cpu(0), ThisCpuOp.ADD, llsc, s[0], 5, 0, 8);
    assertThat(x.lastRetries()).isEqualTo(1);
    assertThat(m.mem().read64(s[1])).as("the retried add saw the interrupting store")
        .isEqualTo(105);
  }

  @Test
  void migrationBetweenOffsetReadAndStoreUpdatesThePreviousCpusCopy() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    x.setPreemptionHook((cpu, next) -> next == 2 && cpu.id() == 0 ? m.cpu(1) : cpu);
    MicroOpExecutor.Program prog = x.compile(UNPROTECTED_ADD);
    x.execute(m.cpu(0), ThisCpuOp.ADD, prog, s[0], 7, 0, 8);
    assertThat(x.lastCpu().id()).isEqualTo(1);
    assertThat(m.mem().read64(s[1])).as("CPU 0's copy updated from CPU 1").isEqualTo(7);
    assertThat(m.mem().read64(s[2])).isZero();
    // 2 micro-ops on CPU 0, 3 on CPU 1 after the switch: the sequence and the executor count all 5
    assertThat(m.cpu(0).instructions()).isEqualTo(2);
    assertThat(m.cpu(1).instructions()).isEqualTo(3);
    assertThat(prog.runs()).isEqualTo(1);
    assertThat(prog.instructions()).isEqualTo(5).isEqualTo(x.instructions());
    assertThat(prog.cycles()).isEqualTo(m.cpu(0).cycles() + m.cpu(1).cycles())
        .isEqualTo(x.cycles());
    // the protected LL/SC variant has no preemption point inside: CPU 0 keeps running
    x.execute(m.cpu(0), ThisCpuOp.ADD, LLSC_ADD, s[0], 1, 0, 8);
    assertThat(m.mem().read64(s[1])).isEqualTo(8);
  }

  @Test
  void unmappedAccessIsATranslationFault() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "1"));
    Cpu c = m.cpu(0);
    c.setPerCpuOffset(0);
    assertThatThrownBy(() -> m.executor().execute(c, ThisCpuOp.READ, UNPROTECTED_ADD,
        0xffff410000000000L, 0, 0, 4)).isInstanceOf(MicroOpFault.class)
        .hasMessage("CPU 0: translation fault at 0xffff410000000000 in 'ldr x2, [x0]'");
  }

  /** Two CPUs as {@link #setup}, LLSC_ADD compiled, and one fused add of 5 on CPU 0 done. */
  private record OneFusedAdd(Machine m, long[] s, MicroOpExecutor x,
      MicroOpExecutor.Program prog) {
    static OneFusedAdd run() {
      Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
      long[] s = setup(m);
      MicroOpExecutor.Program prog = m.executor().compile(LLSC_ADD);
      assertThat(prog.fused()).isTrue();
      m.executor().add(m.cpu(0), prog, s[0], 5, 8);
      return new OneFusedAdd(m, s, m.executor(), prog);
    }
  }

  @Test
  void programCountsFusedAndLoopRunsAlike() {
    OneFusedAdd r = OneFusedAdd.run();
    Machine m = r.m();
    long[] s = r.s();
    MicroOpExecutor x = r.x();
    MicroOpExecutor.Program prog = r.prog();
    x.setFusion(false);
    x.execute(m.cpu(0), ThisCpuOp.ADD, prog, s[0], 5, 0, 8);
    // first run walks (2 levels x 10), the second hits the TLB
    assertThat(prog.runs()).isEqualTo(2);
    assertThat(prog.instructions()).isEqualTo(16);
    assertThat(prog.cycles()).isEqualTo(8 + 2 * 10 + 8);
    assertThat(x.executed()).isEqualTo(2);
    assertThat(m.mem().read64(s[1])).isEqualTo(10);
  }

  @Test
  void aFreedAndReusedPageIsNotWrittenThroughItsOldContents() {
    OneFusedAdd r = OneFusedAdd.run();
    Machine m = r.m();
    long[] s = r.s();
    long[] before = m.mem().residentWords(s[1]);
    // the page is freed (PhysMem drops its contents) and written again: a new array
    m.allocator().freePages(s[1] >>> 12, 0);
    m.mem().write64(s[1] + 8, 1);
    assertThat(m.mem().residentWords(s[1])).isNotSameAs(before);
    r.x().add(m.cpu(0), r.prog(), s[0], 3, 8);
    assertThat(m.mem().read64(s[1])).as("the add lands in the page as it is now").isEqualTo(3);
    assertThat(before[0]).as("the dropped contents are not written").isEqualTo(5);
  }
}
