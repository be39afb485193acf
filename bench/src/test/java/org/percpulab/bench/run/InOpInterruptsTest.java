package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.bench.workload.Workload;
import org.percpulab.bench.workload.Workloads;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.OpMode;

/**
 * The in-op interrupt model in a workload run: interrupts land in the ops of every access, the
 * marker fixup and the restart run where they land and keep every counter as the offset baseline
 * leaves it, the accesses without an in-op path are not changed at all, and a seed gives one run.
 */
class InOpInterruptsTest {
  private static final List<OpMode> ALL = List.of(OpMode.BASELINE, OpMode.LOCAL_MAP,
      OpMode.PRIVATE_PAGE, OpMode.MARKER_FIXUP, OpMode.RESTART, OpMode.SEGMENT);

  /** kernel-build with a migration every 4th task event: many IPIs. */
  private static Workload workload() {
    return Workloads.create("kernel-build", DifferentialTest.CPUS, Map.of("processes", 24L,
        "faults", 48L, "mmaps", 2L, "migrateOneIn", 4L));
  }

  private static Map<OpMode, ModeResult> run(boolean model, long seed) {
    return run(model, seed, ALL);
  }

  private static Map<OpMode, ModeResult> run(boolean model, long seed, List<OpMode> accesses) {
    KernelModelFactory f = DifferentialTest.factory("arm64");
    WorkloadRunner r = new WorkloadRunner(f, new SysCostModel(), 1, seed, Progress.quiet());
    r.setInOpInterrupts(model);
    Map<OpMode, ModeResult> m = new HashMap<>();
    for (AccessRunResult.Mode x : r.runAccesses(workload(), accesses).modes()) {
      m.put(x.access(), x.result());
    }
    return m;
  }

  private static long irq(ModeResult r, String key) {
    return r.inOpInterrupts().get(key);
  }

  @Test
  void fixupsAndRestartsRunInTheWorkloadAndKeepEveryCounter() {
    Map<OpMode, ModeResult> on = run(true, 7);
    Map<OpMode, ModeResult> off = run(false, 7);
    long digest = off.get(OpMode.BASELINE).counterDigest();
    for (OpMode a : ALL) {
      ModeResult r = on.get(a);
      assertThat(r.counterDigest()).as("%s keeps the counters", a).isEqualTo(digest);
      assertThat(off.get(a).counterDigest()).isEqualTo(digest);
      assertThat(irq(r, "inOpInterrupts")).as("%s", a).isEqualTo(irq(r, "ticksInOp")
          + irq(r, "ipisInOp"));
      assertThat(irq(r, "ipis")).as("%s", a).isPositive();
      assertThat(r.percpuCycles()).as("%s", a)
          .isEqualTo(r.opCycles() + r.chunkPageTableCycles() + irq(r, "pathCycles"));
      assertThat(off.get(a).inOpInterrupts()).isEmpty();
    }
    // no in-op path: counted, nothing else; every figure as without the model
    for (OpMode a : List.of(OpMode.BASELINE, OpMode.LOCAL_MAP, OpMode.PRIVATE_PAGE,
        OpMode.SEGMENT)) {
      ModeResult r = on.get(a);
      ModeResult o = off.get(a);
      assertThat(irq(r, "inOpInterrupts")).as("%s", a).isPositive();
      assertThat(irq(r, "migratedInOp") + irq(r, "fixups") + irq(r, "restarts")
          + irq(r, "pathCycles") + irq(r, "rerunCycles")).as("%s", a).isZero();
      assertThat(List.of(r.instructions(), r.opCycles(), r.percpuCycles(), r.sysCycles(),
          r.tlbHits(), r.tlbMisses())).as("%s unchanged", a).isEqualTo(List.of(o.instructions(),
          o.opCycles(), o.percpuCycles(), o.sysCycles(), o.tlbHits(), o.tlbMisses()));
    }
    CostTable c = DifferentialTest.factory("arm64").costs();
    ModeResult mf = on.get(OpMode.MARKER_FIXUP);
    assertThat(irq(mf, "migratedInOp")).isPositive();
    assertThat(irq(mf, "fixups")).isPositive().isLessThanOrEqualTo(irq(mf, "migratedInOp"));
    assertThat(irq(mf, "fixupCycles")).isEqualTo(irq(mf, "fixups") * (c.cycles(CostClass.LOAD)
        + c.cycles(CostClass.ALU) + c.cycles(CostClass.STORE)));
    ModeResult rs = on.get(OpMode.RESTART);
    assertThat(irq(rs, "restarts")).isPositive();
    assertThat(irq(rs, "rerunCycles")).isPositive();
    assertThat(irq(rs, "restartAbortCycles")).isEqualTo(irq(rs, "restarts")
        * c.cycles(CostClass.STORE));
    assertThat(rs.instructions()).as("the aborted parts ran again")
        .isGreaterThan(off.get(OpMode.RESTART).instructions());
  }

  @Test
  void theSeedGivesOneRun() {
    List<OpMode> some = List.of(OpMode.BASELINE, OpMode.MARKER_FIXUP, OpMode.RESTART);
    Map<OpMode, ModeResult> a = run(true, 11, some);
    Map<OpMode, ModeResult> b = run(true, 11, some);
    for (OpMode m : some) {
      assertThat(b.get(m).inOpInterrupts()).as("%s", m).isEqualTo(a.get(m).inOpInterrupts());
      assertThat(b.get(m).opCycles()).isEqualTo(a.get(m).opCycles());
    }
  }
}
