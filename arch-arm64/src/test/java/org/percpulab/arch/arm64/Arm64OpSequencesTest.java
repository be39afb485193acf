package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

class Arm64OpSequencesTest {
  private final Arm64OpSequences lse = new Arm64OpSequences(true, true, false);
  private final Arm64OpSequences llsc = new Arm64OpSequences(false, true, false);

  private static List<String> mnemonics(MicroOp[] ops) {
    List<String> l = new ArrayList<>();
    for (MicroOp o : ops) {
      l.add(o.mnemonic());
    }
    return l;
  }

  @Test void thisCpuAdd8BaselineLse() {
    MicroOp[] s = lse.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.BASELINE);
    assertThat(mnemonics(s)).containsExactly(
        "mrs x1, sp_el0",
        "ldr w2, [x1, #TSK_TI_PREEMPT]",
        "add w2, w2, #1",
        "str w2, [x1, #TSK_TI_PREEMPT]",
        "mrs x3, tpidr_el1",
        "add x0, x0, x3",
        "stadd x4, [x0]",
        "nop", "nop", "nop",
        "ldr x2, [x1, #TSK_TI_PREEMPT]",
        "sub x2, x2, #1",
        "str w2, [x1, #TSK_TI_PREEMPT]",
        "cbz x2, preempt_schedule_notrace",
        "ldr x2, [x1, #TSK_TI_PREEMPT]",
        "cbz x2, preempt_schedule_notrace");
    assertThat(s[3].effect()).isEqualTo(Effect.PREEMPT_INC);
    assertThat(s[4].effect()).isEqualTo(Effect.READ_OFFSET);
    assertThat(s[5].effect()).isEqualTo(Effect.ADDR_GLOBAL);
    assertThat(s[6].effect()).isEqualTo(Effect.ATOMIC_RMW);
    assertThat(s[6].cost()).isEqualTo(CostClass.ATOMIC_FAR);
    assertThat(s[12].effect()).isEqualTo(Effect.PREEMPT_DEC_CHECK);
  }

  @Test void localMapIsTheSingleAtomicOnTheAlias() {
    assertThat(mnemonics(lse.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.LOCAL_MAP)))
        .containsExactly("adrp x3, __per_cpu_local_off", "ldr x3, [x3, :lo12:__per_cpu_local_off]",
            "add x0, x0, x3", "stadd x4, [x0]", "nop", "nop", "nop");
    assertThat(mnemonics(llsc.sequence(ThisCpuOp.ADD, 4, OpForm.THIS_CPU, OpMode.LOCAL_MAP)))
        .containsExactly("adrp x3, __per_cpu_local_off", "ldr x3, [x3, :lo12:__per_cpu_local_off]",
            "add x0, x0, x3", "ldxr w5, [x0]", "add w5, w5, w4", "stxr w6, w5, [x0]",
            "cbnz w6, 1b");
    assertThat(mnemonics(lse.sequence(ThisCpuOp.READ, 2, OpForm.THIS_CPU, OpMode.LOCAL_MAP)))
        .endsWith("ldrh w5, [x0]");
    assertThat(mnemonics(lse.sequence(ThisCpuOp.WRITE, 1, OpForm.THIS_CPU, OpMode.LOCAL_MAP)))
        .endsWith("strb w4, [x0]");
  }

  @Test void vheUsesTpidrEl2AndNearAtomicsKey() {
    Arm64OpSequences vhe = new Arm64OpSequences(true, false, true);
    MicroOp[] s = vhe.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.BASELINE);
    assertThat(s[4].mnemonic()).isEqualTo("mrs x3, tpidr_el2");
    assertThat(s[6].cost()).isEqualTo(CostClass.ATOMIC_NEAR);
  }

  @Test void rawFormsArePlainRmw() {
    assertThat(mnemonics(lse.sequence(ThisCpuOp.ADD, 8, OpForm.RAW_CPU, OpMode.BASELINE)))
        .containsExactly("mrs x3, tpidr_el1", "add x0, x0, x3", "ldr x5, [x0]",
            "add x5, x5, x4", "str x5, [x0]");
  }

  /** The SPI contract holds for every op, size, form, mode and atomics choice. */
  @Test void contractForEverySequence() {
    for (Arm64OpSequences seqs : List.of(lse, llsc)) {
      for (ThisCpuOp op : ThisCpuOp.values()) {
        for (int size : new int[] {1, 2, 4, 8}) {
          for (OpForm f : OpForm.values()) {
            for (OpMode m : OpMode.values()) {
              MicroOp[] s = seqs.sequence(op, size, f, m);
              String what = f.prefix() + op.kernelName() + "_" + size + " " + m;
              int local = count(s, Effect.ADDR_LOCAL);
              int global = count(s, Effect.ADDR_GLOBAL);
              assertThat(local).as(what).isEqualTo(m == OpMode.LOCAL_MAP ? 1 : 0);
              assertThat(global).as(what).isEqualTo(m == OpMode.LOCAL_MAP
                  || m == OpMode.SEGMENT ? 0 : 1);
              assertThat(count(s, Effect.READ_OFFSET)).as(what).isEqualTo(global);
              boolean protect = f == OpForm.THIS_CPU
                  && (m == OpMode.BASELINE || m == OpMode.PRIVATE_PAGE);
              Effect inc = m == OpMode.PRIVATE_PAGE ? Effect.PRIVATE_PREEMPT_INC
                  : Effect.PREEMPT_INC;
              Effect dec = m == OpMode.PRIVATE_PAGE ? Effect.PRIVATE_PREEMPT_DEC_CHECK
                  : Effect.PREEMPT_DEC_CHECK;
              assertThat(count(s, inc)).as(what).isEqualTo(protect ? 1 : 0);
              assertThat(count(s, dec)).as(what).isEqualTo(protect ? 1 : 0);
              if (op.isRmw()) {
                int writers = count(s, Effect.ATOMIC_RMW) + count(s, Effect.STORE_EXCLUSIVE)
                    + count(s, Effect.CAS_RETRY) + count(s, Effect.STORE)
                    + count(s, Effect.SEG_RMW);
                assertThat(writers).as(what).isEqualTo(1);
                if (count(s, Effect.STORE_EXCLUSIVE) == 1) {
                  assertThat(count(s, Effect.LOAD_EXCLUSIVE)).as(what).isEqualTo(1);
                }
                if (f == OpForm.THIS_CPU && m != OpMode.RESTART) {
                  assertThat(count(s, Effect.STORE)).as(what).isZero();
                }
              }
            }
          }
        }
      }
    }
    assertThatThrownBy(() -> lse.sequence(ThisCpuOp.ADD, 3, OpForm.THIS_CPU, OpMode.BASELINE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("this_cpu op size must be 1, 2, 4 or 8, was 3");
  }

  private static int count(MicroOp[] s, Effect e) {
    int n = 0;
    for (MicroOp o : s) {
      if (o.effect() == e) {
        n++;
      }
    }
    return n;
  }

  /** The README table: instructions (and modelled cycles with default costs) per op and mode. */
  @Test void instructionCountTable() {
    List<String> t = InstructionTable.rows(Arm64Costs.defaults());
    assertThat(t).contains(
        "| this_cpu_add_8 | 16 / 158 | 7 / 141 | 16 / 40 | 7 / 23 |",
        "| this_cpu_read_8 | 13 / 27 | 4 / 10 | 13 / 27 | 4 / 10 |");
    for (String row : t) {
      System.out.println(row);
    }
  }
}
