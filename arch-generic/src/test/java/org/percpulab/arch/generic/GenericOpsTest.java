package org.percpulab.arch.generic;

import org.percpulab.core.testkit.OpContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

class GenericOpsTest {
  private final GenericOps ops = GenericOps.INSTANCE;

  private MicroOp[] seq(ThisCpuOp op, int size, OpForm form) {
    return ops.sequence(op, size, form, OpMode.BASELINE);
  }

  private static String mnemonics(MicroOp[] s) {
    return Arrays.stream(s).map(MicroOp::mnemonic).collect(Collectors.joining("; "));
  }

  @Test
  void everySequenceMeetsTheContract() {
    for (ThisCpuOp op : ThisCpuOp.values()) {
      for (int size : new int[] {1, 2, 4, 8}) {
        for (OpForm form : OpForm.values()) {
          OpContract.check(op, size, form, seq(op, size, form));
        }
      }
    }
  }

  @Test
  void instructionCounts() {
    int[] sizes = {1, 2, 4, 8};
    for (int size : sizes) {
      String s = "size " + size;
      assertThat(seq(ThisCpuOp.READ, size, OpForm.THIS_CPU)).as(s).hasSize(13);
      assertThat(seq(ThisCpuOp.WRITE, size, OpForm.THIS_CPU)).as(s).hasSize(6);
      for (ThisCpuOp op : new ThisCpuOp[] {ThisCpuOp.ADD, ThisCpuOp.SUB, ThisCpuOp.INC,
          ThisCpuOp.DEC, ThisCpuOp.AND, ThisCpuOp.OR, ThisCpuOp.ADD_RETURN}) {
        assertThat(seq(op, size, OpForm.THIS_CPU)).as(s + " " + op).hasSize(8);
        assertThat(seq(op, size, OpForm.RAW_CPU)).as(s + " " + op).hasSize(6);
        assertThat(seq(op, size, OpForm.UNDERSCORE_THIS_CPU)).as(s + " " + op).hasSize(6);
      }
      assertThat(seq(ThisCpuOp.XCHG, size, OpForm.THIS_CPU)).as(s).hasSize(8);
      assertThat(seq(ThisCpuOp.CMPXCHG, size, OpForm.THIS_CPU)).as(s).hasSize(8);
      assertThat(seq(ThisCpuOp.TRY_CMPXCHG, size, OpForm.THIS_CPU)).as(s).hasSize(9);
      assertThat(seq(ThisCpuOp.READ, size, OpForm.RAW_CPU)).as(s).hasSize(4);
      assertThat(seq(ThisCpuOp.WRITE, size, OpForm.RAW_CPU)).as(s).hasSize(4);
      assertThat(seq(ThisCpuOp.XCHG, size, OpForm.RAW_CPU)).as(s).hasSize(6);
      assertThat(seq(ThisCpuOp.CMPXCHG, size, OpForm.RAW_CPU)).as(s).hasSize(6);
      assertThat(seq(ThisCpuOp.TRY_CMPXCHG, size, OpForm.RAW_CPU)).as(s).hasSize(7);
    }
  }

  @Test
  void thisCpuAddIsIrqSaveAroundPlainRmw() {
    MicroOp[] s = seq(ThisCpuOp.ADD, 8, OpForm.THIS_CPU);
    assertThat(mnemonics(s)).isEqualTo("local_irq_save a3; lw t2, TI_CPU(tp); "
        + "ld t2, __per_cpu_offset(t2<<3); add a1, a1, t2; ld a0, 0(a1); add t0, a0, a2; "
        + "sd t0, 0(a1); local_irq_restore a3");
    assertThat(Arrays.stream(s).map(MicroOp::effect)).containsExactly(Effect.IRQ_SAVE,
        Effect.NONE, Effect.READ_OFFSET, Effect.ADDR_GLOBAL, Effect.LOAD, Effect.COMPUTE,
        Effect.STORE, Effect.IRQ_RESTORE);
    assertThat(mnemonics(seq(ThisCpuOp.ADD, 1, OpForm.THIS_CPU))).contains("lb a0", "sb t0");
  }

  @Test
  void thisCpuReadIsPreemptDisabledLoad() {
    MicroOp[] s = seq(ThisCpuOp.READ, 8, OpForm.THIS_CPU);
    assertThat(Arrays.stream(s).map(MicroOp::effect)).containsExactly(Effect.NONE, Effect.NONE,
        Effect.PREEMPT_INC, Effect.NONE, Effect.READ_OFFSET, Effect.ADDR_GLOBAL, Effect.LOAD,
        Effect.NONE, Effect.NONE, Effect.PREEMPT_DEC_CHECK, Effect.NONE, Effect.NONE,
        Effect.NONE);
    assertThat(OpContract.count(s, Effect.IRQ_SAVE)).isZero();
  }

  @Test
  void rawFormsAreUnprotected() {
    MicroOp[] s = seq(ThisCpuOp.ADD, 4, OpForm.RAW_CPU);
    assertThat(mnemonics(s)).isEqualTo("lw t2, TI_CPU(tp); ld t2, __per_cpu_offset(t2<<3); "
        + "add a1, a1, t2; lw a0, 0(a1); add t0, a0, a2; sw t0, 0(a1)");
    assertThat(seq(ThisCpuOp.ADD, 4, OpForm.UNDERSCORE_THIS_CPU)).containsExactly(s);
  }

  @Test
  void experimentalLocalMapUsesTheAliasAndKeepsIrqProtectionOnlyForRmw() {
    GenericOps ops = GenericOps.WITH_LOCAL_MAP;
    MicroOp[] add = ops.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.LOCAL_MAP);
    assertThat(mnemonics(add)).isEqualTo("local_irq_save a3; ld t2, __per_cpu_local_off; "
        + "add a1, a1, t2; ld a0, 0(a1); add t0, a0, a2; sd t0, 0(a1); local_irq_restore a3");
    assertThat(mnemonics(ops.sequence(ThisCpuOp.READ, 8, OpForm.THIS_CPU, OpMode.LOCAL_MAP)))
        .isEqualTo("ld t2, __per_cpu_local_off; add a1, a1, t2; ld a0, 0(a1)");
    assertThat(mnemonics(ops.sequence(ThisCpuOp.WRITE, 4, OpForm.THIS_CPU, OpMode.LOCAL_MAP)))
        .isEqualTo("ld t2, __per_cpu_local_off; add a1, a1, t2; sw a2, 0(a1)");
  }

  @Test
  void noLocalMapWithoutTheKeyAndNoOddSizes() {
    assertThatThrownBy(() -> ops.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.LOCAL_MAP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("generic cannot express percpu.access=local-map; allowed: offset|segment"
            + " (local-map only with generic.localMap=on)");
    assertThatThrownBy(() -> ops.sequence(ThisCpuOp.ADD, 3, OpForm.THIS_CPU, OpMode.BASELINE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("this_cpu op size 3 is not allowed; allowed: 1, 2, 4, 8");
  }
}
