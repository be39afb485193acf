package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.TestMachines;

class ThisCpuEngineTest {
  private static PercpuSystem boot(String localMap) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap",
        localMap));
    return PercpuSystem.boot(m);
  }

  private static PercpuSystem boot(String localMap, boolean debugPreempt) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "percpu.localMap",
        localMap, "kernel.debugPreempt", Boolean.toString(debugPreempt)));
    return PercpuSystem.boot(m);
  }

  private static long[] countersAfterWork(PercpuSystem s) {
    ThisCpuEngine e = new ThisCpuEngine(s);
    long first = s.alloc(8, 8, false);
    // force a dynamic chunk too
    long last = 0;
    for (int i = 0; i < 200; i++) {
      last = s.alloc(256, 8, false);
    }
    assertThat(s.allocator().chunksCreated()).isPositive();
    long[] out = new long[8];
    for (int cpu = 0; cpu < 4; cpu++) {
      for (int k = 0; k <= cpu; k++) {
        e.add(cpu, first, 8, 10);
        e.op(cpu, ThisCpuOp.INC, OpForm.THIS_CPU, 4, last, 0, 0);
      }
      assertThat(e.op(cpu, ThisCpuOp.CMPXCHG, OpForm.RAW_CPU, 8, first, 7, 10L * (cpu + 1)))
          .isEqualTo(10L * (cpu + 1));
      assertThat(e.read(cpu, first, 8)).isEqualTo(7);
      assertThat(e.op(cpu, ThisCpuOp.ADD_RETURN, OpForm.THIS_CPU, 2, first, 0xffff, 0))
          .isEqualTo(6);
    }
    for (int cpu = 0; cpu < 4; cpu++) {
      Machine m = s.machine();
      out[cpu] = m.mem().read(m.cpu(cpu).translate(s.perCpuPtr(first, cpu)), 8);
      out[4 + cpu] = m.mem().read(m.cpu(cpu).translate(s.perCpuPtr(last, cpu)), 4);
    }
    return out;
  }

  @Test
  void sameCountersInBothModesEachCpuItsOwnCopy() {
    long[] base = countersAfterWork(boot("off"));
    long[] local = countersAfterWork(boot("on"));
    assertThat(base).containsExactly(6, 6, 6, 6, 1, 2, 3, 4);
    assertThat(local).containsExactly(base);
  }

  @Test
  void localMapAddIsShorterThanBaseline() {
    PercpuSystem b = boot("off");
    PercpuSystem l = boot("on");
    ThisCpuEngine eb = new ThisCpuEngine(b);
    ThisCpuEngine el = new ThisCpuEngine(l);
    assertThat(eb.mode()).isEqualTo(OpMode.BASELINE);
    assertThat(el.mode()).isEqualTo(OpMode.LOCAL_MAP);
    long pb = b.alloc(8, 8, false);
    long pl = l.alloc(8, 8, false);
    eb.add(1, pb, 8, 1);
    el.add(1, pl, 8, 1);
    System.out.printf("this_cpu_add_8: baseline %d insns %d cycles, local map %d insns %d cycles%n",
        eb.instructions(ThisCpuOp.ADD), eb.cycles(ThisCpuOp.ADD),
        el.instructions(ThisCpuOp.ADD), el.cycles(ThisCpuOp.ADD));
    assertThat(el.instructions(ThisCpuOp.ADD)).isLessThan(eb.instructions(ThisCpuOp.ADD));
    assertThat(eb.count(ThisCpuOp.ADD)).isEqualTo(1);
  }

  @Test
  void perSequenceCountsAddUpToTheOpAndExecutorTotals() {
    PercpuSystem s = boot("on");
    ThisCpuEngine e = new ThisCpuEngine(s);
    long p = s.alloc(8, 8, false);
    for (int cpu = 0; cpu < 4; cpu++) {
      e.add(cpu, p, 8, 1);
      e.add(cpu, p, 4, 1);
      e.op(cpu, ThisCpuOp.ADD, OpForm.RAW_CPU, 8, p, 1, 0);
    }
    long a8 = e.instructions(ThisCpuOp.ADD, OpForm.THIS_CPU, 8);
    long a4 = e.instructions(ThisCpuOp.ADD, OpForm.THIS_CPU, 4);
    long r8 = e.instructions(ThisCpuOp.ADD, OpForm.RAW_CPU, 8);
    assertThat(a8).isPositive();
    assertThat(a8 + a4 + r8).isEqualTo(e.instructions(ThisCpuOp.ADD));
    assertThat(e.cycles(ThisCpuOp.ADD, OpForm.THIS_CPU, 8)
        + e.cycles(ThisCpuOp.ADD, OpForm.THIS_CPU, 4)
        + e.cycles(ThisCpuOp.ADD, OpForm.RAW_CPU, 8)).isEqualTo(e.cycles(ThisCpuOp.ADD));
    assertThat(e.count(ThisCpuOp.ADD)).isEqualTo(12);
    assertThat(e.instructions(ThisCpuOp.ADD, OpForm.THIS_CPU, 3)).as("no such size").isZero();
    Machine m = s.machine();
    long cpuInsns = 0;
    long cpuCycles = 0;
    for (int cpu = 0; cpu < 4; cpu++) {
      cpuInsns += m.cpu(cpu).instructions();
      cpuCycles += m.cpu(cpu).cycles();
    }
    assertThat(m.executor().instructions()).isEqualTo(cpuInsns).isEqualTo(a8 + a4 + r8);
    assertThat(m.executor().cycles()).isEqualTo(cpuCycles);
    assertThat(m.executor().executed()).isEqualTo(12);
  }

  @Test
  void underscoreFormInPreemptibleCodeIsCaughtOnlyWithDebugPreempt() {
    PercpuSystem quiet = boot("on", false);
    ThisCpuEngine q = new ThisCpuEngine(quiet);
    long qp = quiet.alloc(8, 8, false);
    q.op(2, ThisCpuOp.ADD, OpForm.UNDERSCORE_THIS_CPU, 8, qp, 3, 0);
    assertThat(q.violations()).as("CONFIG_DEBUG_PREEMPT=n: unchecked").isZero();
    assertThat(q.read(2, qp, 8)).isEqualTo(3);
    PercpuSystem s = boot("on", true);
    ThisCpuEngine e = new ThisCpuEngine(s);
    long p = s.alloc(8, 8, false);
    assertThatThrownBy(() -> e.op(2, ThisCpuOp.ADD, OpForm.UNDERSCORE_THIS_CPU, 8, p, 1, 0))
        .isInstanceOf(PreemptCheckViolation.class)
        .hasMessage("BUG: using __this_cpu_add() in preemptible [00000000] code: task/"
            + s.machine().cpu(2).currentTask());
    assertThat(e.violations()).isEqualTo(1);
    s.machine().cpu(2).preemptDisable();
    e.op(2, ThisCpuOp.ADD, OpForm.UNDERSCORE_THIS_CPU, 8, p, 5, 0);
    s.machine().cpu(2).preemptEnableNoResched();
    assertThat(e.read(2, p, 8)).isEqualTo(5);
    // raw_cpu_* is never checked
    e.op(2, ThisCpuOp.ADD, OpForm.RAW_CPU, 8, p, 1, 0);
    assertThat(e.read(2, p, 8)).isEqualTo(6);
  }

  @Test
  void aliasEscapeIsReportedWithBothCpus() {
    PercpuSystem s = boot("on");
    long p = s.alloc(64, 8, false);
    long alias = s.localAlias(p);
    AliasEscapeDetector d = new AliasEscapeDetector(s.machine().kpt().localArea().start(),
        s.machine().kpt().localArea().end());
    assertThat(d.handOff(s.perCpuPtr(p, 0), 0, 3)).isFalse();
    assertThat(d.handOff(alias, 0, 3)).isTrue();
    assertThat(d.dereference(alias, 1, 1)).isFalse();
    assertThat(d.dereference(alias, 1, 2)).isTrue();
    assertThat(d.hazards()).extracting(Object::toString).containsExactly(
        String.format("percpu local alias escape (handed to another cpu): 0x%016x from cpu 0 used"
            + " on cpu 3", alias),
        String.format("percpu local alias escape (dereferenced by another cpu): 0x%016x from cpu"
            + " 1 used on cpu 2", alias));
    // and the escape really reaches the other CPU's copy
    Machine m = s.machine();
    assertThat(m.cpu(2).translate(alias)).isEqualTo(m.cpu(2).translate(s.perCpuPtr(p, 2)))
        .isNotEqualTo(m.cpu(1).translate(alias));
  }
}
