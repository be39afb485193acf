package org.percpulab.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.FakeSequences;
import org.percpulab.core.testkit.TestMachines;

/**
 * The executor semantics of the percpu.access effects: marker-fixup's exception-return rewrite,
 * restart's abort and rerun, segment's one-instruction access, and the plain preempt decrement.
 */
class AccessEffectsTest {

  private static final MicroOp[] MARKER_ADD = {
      new MicroOp("strb mark", CostClass.STORE, Effect.MARKER_SET),
      new MicroOp("mrs x3, tpidr_el1", CostClass.SYSREG_READ, Effect.READ_OFFSET),
      new MicroOp("add x0, x0, x3", CostClass.ALU, Effect.ADDR_GLOBAL),
      new MicroOp("stadd x4, [x0]", CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW),
      new MicroOp("strb wzr, mark", CostClass.STORE, Effect.MARKER_CLEAR)};

  private static final MicroOp[] RESTART_ADD = FakeSequences.restartAdd();

  private static final MicroOp[] UNMARKED_ADD = {
      new MicroOp("mrs x3, tpidr_el1", CostClass.SYSREG_READ, Effect.READ_OFFSET),
      new MicroOp("add x0, x0, x3", CostClass.ALU, Effect.ADDR_GLOBAL),
      new MicroOp("stadd x4, [x0]", CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW)};

  /** {ptr, pa0, pa1}: CPU 0's and CPU 1's copies on two linear-map pages. */
  private static long[] setup(Machine m) {
    return MicroOpExecutorTest.setup(m);
  }

  /** Migrates CPU 0's task to CPU 1 at micro-op {@code at}. */
  private static PreemptionHook migrateAt(Machine m, int at) {
    return (cpu, next) -> next == at && cpu.id() == 0 ? m.cpu(1) : cpu;
  }

  @Test
  void markerFixupRewritesTheAddressAfterAMigration() {
    for (int at = 1; at <= 3; at++) {
      Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
      long[] s = setup(m);
      MicroOpExecutor x = m.executor();
      x.setPreemptionHook(migrateAt(m, at));
      x.execute(m.cpu(0), ThisCpuOp.ADD, MARKER_ADD, s[0], 7, 0, 8);
      assertThat(x.lastCpu().id()).isEqualTo(1);
      assertThat(m.mem().read64(s[2])).as("migrated before micro-op %d: the new CPU's copy", at)
          .isEqualTo(7);
      assertThat(m.mem().read64(s[1])).as("CPU 0's copy untouched").isZero();
      assertThat(x.markerFixups()).isEqualTo(1);
    }
  }

  @Test
  void withoutTheMarkerTheMigratedAddLandsInTheOldCopy() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    x.setPreemptionHook(migrateAt(m, 2));
    x.execute(m.cpu(0), ThisCpuOp.ADD, UNMARKED_ADD, s[0], 7, 0, 8);
    assertThat(m.mem().read64(s[1])).as("the previous CPU's copy").isEqualTo(7);
    assertThat(x.markerFixups()).isZero();
  }

  @Test
  void restartAbortsAMigratedRegionAndRerunsItOnTheNewCpu() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    x.setPreemptionHook(migrateAt(m, 4));
    x.execute(m.cpu(0), ThisCpuOp.ADD, RESTART_ADD, s[0], 7, 0, 8);
    assertThat(x.restarts()).isEqualTo(1);
    assertThat(m.mem().read64(s[2])).isEqualTo(7);
    assertThat(m.mem().read64(s[1])).isZero();
    // the aborted part ran once more: 4 micro-ops before the point, then all 7
    assertThat(x.instructions()).isEqualTo(4 + 7);
  }

  @Test
  void restartAbortsOnAnInterruptOnTheSameCpu() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    int[] fired = {0};
    // an interrupt between the load and the store: its handler adds 100 to the same copy
    x.setPreemptionHook((cpu, next) -> {
      if (next == 5 && fired[0]++ == 0) {
        m.mem().write(s[1], 8, m.mem().read64(s[1]) + 100);
        cpu.noteExceptionReturn();
      }
      return cpu;
    });
    x.execute(m.cpu(0), ThisCpuOp.ADD, RESTART_ADD, s[0], 7, 0, 8);
    assertThat(x.restarts()).isEqualTo(1);
    assertThat(m.mem().read64(s[1])).as("no lost update").isEqualTo(107);
  }

  @Test
  void restartAbortsOnAnInterruptAtAPinnedPoint() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    int[] pinned = {0};
    x.setPreemptionHook(new PreemptionHook() {
      @Override public Cpu preemptionPoint(Cpu cpu, int next) {
        return cpu;
      }

      @Override public void pinnedPoint(Cpu cpu, int next) {
        if (next == 5 && pinned[0]++ == 0) {
          // the interrupt's handler adds 100 to the copy between the region's load and store
          m.mem().write(s[1], 8, m.mem().read64(s[1]) + 100);
          cpu.noteExceptionReturn();
        }
      }
    });
    // the caller holds preempt_disable: every point of the region is pinned
    m.cpu(0).preemptDisable();
    x.execute(m.cpu(0), ThisCpuOp.ADD, RESTART_ADD, s[0], 7, 0, 8);
    assertThat(x.restarts()).isEqualTo(1);
    assertThat(m.mem().read64(s[1])).as("no lost update").isEqualTo(107);
  }

  @Test
  void segmentFormsTheAddressAndAccessesInOneMicroOp() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    MicroOp[] add = {new MicroOp("add %gs:[x0], x4", CostClass.SEGMENT_RMW, Effect.SEG_RMW)};
    MicroOp[] read = {new MicroOp("mov %gs:[x0], x5", CostClass.LOAD, Effect.SEG_LOAD)};
    assertThat(x.compile(add).fused()).isTrue();
    x.execute(m.cpu(1), ThisCpuOp.ADD, add, s[0], 9, 0, 8);
    x.setFusion(false);
    x.execute(m.cpu(1), ThisCpuOp.ADD, add, s[0], 1, 0, 8);
    assertThat(x.execute(m.cpu(1), ThisCpuOp.READ, read, s[0], 0, 0, 8)).isEqualTo(10);
    assertThat(m.mem().read64(s[1])).isZero();
  }

  @Test
  void plainPreemptDecrementNeverSchedules() {
    Machine m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
    long[] s = setup(m);
    MicroOpExecutor x = m.executor();
    int[] calls = {0};
    x.setPreemptionHook((cpu, next) -> {
      calls[0]++;
      return cpu;
    });
    m.cpu(0).setNeedResched(true);
    MicroOp[] seq = {
        new MicroOp("inc", CostClass.STORE, Effect.PREEMPT_INC),
        new MicroOp("mrs", CostClass.SYSREG_READ, Effect.READ_OFFSET),
        new MicroOp("add", CostClass.ALU, Effect.ADDR_GLOBAL),
        new MicroOp("stadd", CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW),
        new MicroOp("dec", CostClass.STORE, Effect.PREEMPT_DEC)};
    x.execute(m.cpu(0), ThisCpuOp.ADD, seq, s[0], 3, 0, 8);
    assertThat(m.cpu(0).preemptCount()).isZero();
    // only the point before the inc and the one at the end: none inside, none from the dec
    assertThat(calls[0]).isEqualTo(2);
    assertThat(m.mem().read64(s[1])).isEqualTo(3);
  }
}
