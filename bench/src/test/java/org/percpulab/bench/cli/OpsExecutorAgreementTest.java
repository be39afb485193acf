package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.TestMachines;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.ThisCpuEngine;

/**
 * The static {@code ops} table equals what mm-percpu's ThisCpuEngine counts when it executes the
 * op on a booted arm64 machine with a warm TLB (one pass, no retry).
 */
class OpsExecutorAgreementTest {

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
    java.util.List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
    for (String atomics : new String[] {"lse", "llsc"}) {
      for (String preempt : new String[] {"dynamic", "none", "voluntary"}) {
        for (String offset : new String[] {"immediate", "load"}) {
          out.add(org.junit.jupiter.params.provider.Arguments.of(atomics, preempt, offset));
        }
      }
    }
    return out.stream();
  }

  /** Every access, atomics choice, preemption model and local-offset form. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("cases")
  @SuppressWarnings("unchecked")
  void executedCountsEqualTheTable(String atomics, String preempt, String offset) {
    Cli c = Cli.run("ops", "--format", "json", "--size", "8", "--set", "arm64.atomics=" + atomics,
        "--set", "kernel.preempt=" + preempt, "--set", "arm64.localOffset=" + offset);
    assertThat(c.code()).as(c.err()).isZero();
    List<Map<String, Object>> rows =
        (List<Map<String, Object>>) ((Map<String, Object>) c.json()).get("rows");
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "cpus", "4", "arm64.atomics", atomics,
        "kernel.preempt", preempt, "arm64.localOffset", offset));
    PercpuSystem s = PercpuSystem.boot(m);
    long ptrG = s.alloc(8, 8, false);
    // private-page's count lives in the CPU-private page: a machine booted with that access
    PercpuSystem sp = PercpuSystem.boot(TestMachines.boot(Map.of("arch", "arm64", "cpus", "4",
        "arm64.atomics", atomics, "kernel.preempt", preempt, "arm64.localOffset", offset,
        "percpu.access", "private-page")));
    long ptrP = sp.alloc(8, 8, false);
    ThisCpuEngine[] engines = new ThisCpuEngine[OpMode.values().length];
    for (OpMode mode : OpMode.values()) {
      engines[mode.ordinal()] = new ThisCpuEngine(mode == OpMode.PRIVATE_PAGE ? sp : s, mode);
    }
    int checked = 0;
    for (Map<String, Object> r : rows) {
      if (!r.get("form").equals("this_cpu_")) {
        continue;
      }
      ThisCpuOp op = ThisCpuOp.valueOf(((String) r.get("op")).toUpperCase());
      ThisCpuEngine e = engines[OpMode.ofAccess((String) r.get("access")).ordinal()];
      long ptr = OpMode.ofAccess((String) r.get("access")) == OpMode.PRIVATE_PAGE ? ptrP : ptrG;
      e.op(1, op, OpForm.THIS_CPU, 8, ptr, 0, 0); // warm the TLB
      // cmpxchg with expected == current value: the store happens, no retry
      long cur = e.read(1, ptr, 8);
      long i0 = e.instructions(op);
      long c0 = e.cycles(op);
      e.op(1, op, OpForm.THIS_CPU, 8, ptr, cur, cur);
      assertThat(e.instructions(op) - i0).as("%s", r)
          .isEqualTo(((Number) r.get("instructions")).longValue());
      assertThat(e.cycles(op) - c0).as("%s", r).isEqualTo(((Number) r.get("cycles")).longValue());
      checked++;
    }
    assertThat(checked).isEqualTo(12 * OpMode.values().length);
  }
}
