package org.percpulab.arch.s390;

import org.percpulab.core.testkit.OpContract;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

class S390OpsTest {

  private static MicroOp[] seq(S390Ops ops, ThisCpuOp op, int size, OpForm form) {
    return ops.sequence(op, size, form, OpMode.BASELINE);
  }

  private static MicroOp[] z(ThisCpuOp op, int size) {
    return seq(S390Ops.Z196, op, size, OpForm.THIS_CPU);
  }

  private static String mnemonics(MicroOp[] s) {
    return Arrays.stream(s).map(MicroOp::mnemonic).collect(Collectors.joining("; "));
  }

  @Test
  void everySequenceMeetsTheContract() {
    for (S390Ops ops : new S390Ops[] {S390Ops.Z196, S390Ops.NO_Z196}) {
      for (ThisCpuOp op : ThisCpuOp.values()) {
        for (int size : new int[] {1, 2, 4, 8}) {
          for (OpForm form : OpForm.values()) {
            OpContract.check(op, size, form, seq(ops, op, size, form));
          }
        }
      }
    }
  }

  @Test
  void z196AddIsLaagBetweenAsiAndAlsi() {
    assertThat(mnemonics(z(ThisCpuOp.ADD, 8))).isEqualTo("lghi %r9,0 (get_lowcore); "
        + "asi 0x3a8(%r9),1; lg %r1,0x3b8(%r9); agr %r1,%r2; "
        + "laag %r2,%r3,0(%r1); alsi 0x3a8(%r9),-1; "
        + "brc 5,1f (cc 1|3: nonzero, skip preempt_schedule_notrace)");
    assertThat(Arrays.stream(z(ThisCpuOp.ADD, 8)).map(MicroOp::effect)).containsExactly(
        Effect.NONE, Effect.PREEMPT_INC, Effect.READ_OFFSET, Effect.ADDR_GLOBAL, Effect.ATOMIC_RMW,
        Effect.PREEMPT_DEC_CHECK, Effect.NONE);
    assertThat(z(ThisCpuOp.ADD, 4)[4].mnemonic()).isEqualTo("laa %r2,%r3,0(%r1)");
    assertThat(z(ThisCpuOp.INC, 8)[4].mnemonic()).isEqualTo("agsi 0(%r1),1");
    assertThat(z(ThisCpuOp.DEC, 4)[4].mnemonic()).isEqualTo("asi 0(%r1),-1");
    assertThat(z(ThisCpuOp.AND, 8)[4].mnemonic()).isEqualTo("lang %r2,%r3,0(%r1)");
    assertThat(z(ThisCpuOp.OR, 4)[4].mnemonic()).isEqualTo("lao %r2,%r3,0(%r1)");
    assertThat(mnemonics(z(ThisCpuOp.ADD_RETURN, 8))).contains("laag %r2,%r3,0(%r1); agr %r2,%r3");
    assertThat(mnemonics(z(ThisCpuOp.SUB, 8))).contains("lcgr %r3,%r3; laag");
    assertThat(z(ThisCpuOp.ADD, 8)[4].cost()).isEqualTo(CostClass.ATOMIC_NEAR);
  }

  @Test
  void narrowRmwIsACsLoop() {
    MicroOp[] s = z(ThisCpuOp.ADD, 1);
    assertThat(mnemonics(s)).isEqualTo("lghi %r9,0 (get_lowcore); "
        + "asi 0x3a8(%r9),1; lg %r1,0x3b8(%r9); agr %r1,%r2; "
        + "sllk %r5,%r1,3 (shift); nill %r1,0xfffc (align); l %r2,0(%r1); ar %r0,%r3; "
        + "rosbg %r0,%r2 (insert into word); cs %r2,%r0,0(%r1); jl 0b; alsi 0x3a8(%r9),-1; "
        + "brc 5,1f (cc 1|3: nonzero, skip preempt_schedule_notrace)");
    assertThat(OpContract.count(s, Effect.CAS_RETRY)).isEqualTo(1);
    assertThat(OpContract.count(z(ThisCpuOp.OR, 2), Effect.CAS_RETRY)).isEqualTo(1);
    assertThat(OpContract.count(z(ThisCpuOp.ADD_RETURN, 2), Effect.CAS_RETRY)).isEqualTo(1);
  }

  @Test
  void withoutZ196WideOpsAreCsLoopsToo() {
    MicroOp[] s = seq(S390Ops.NO_Z196, ThisCpuOp.ADD, 8, OpForm.THIS_CPU);
    assertThat(mnemonics(s)).isEqualTo("lghi %r9,0 (get_lowcore); "
        + "l %r4,0x3a8(%r9); lr %r5,%r4; ahi %r5,1; "
        + "cs %r4,%r5,0x3a8(%r9); jl 0b; lg %r1,0x3b8(%r9); agr %r1,%r2; lg %r2,0(%r1); "
        + "agr %r0,%r3; csg %r2,%r0,0(%r1); jl 0b; l %r4,0x3a8(%r9); lr %r5,%r4; "
        + "ahi %r5,-1; cs %r4,%r5,0x3a8(%r9); jl 0b; chi %r4,1; "
        + "jne 1f (else brasl preempt_schedule_notrace)");
    assertThat(OpContract.count(s, Effect.ATOMIC_RMW)).isZero();
    assertThat(mnemonics(seq(S390Ops.NO_Z196, ThisCpuOp.INC, 4, OpForm.THIS_CPU)))
        .contains("ahi %r0,1; cs %r2,%r0,0(%r1)");
  }

  @Test
  void cmpxchgXchgReadWrite() {
    assertThat(z(ThisCpuOp.CMPXCHG, 8)[4].mnemonic()).isEqualTo("csg %r2,%r3,0(%r1)");
    assertThat(z(ThisCpuOp.CMPXCHG, 8)[4].effect()).isEqualTo(Effect.ATOMIC_RMW);
    assertThat(z(ThisCpuOp.CMPXCHG, 4)[4].mnemonic()).isEqualTo("cs %r2,%r3,0(%r1)");
    assertThat(OpContract.count(z(ThisCpuOp.CMPXCHG, 1), Effect.CAS_RETRY)).isEqualTo(1);
    assertThat(mnemonics(z(ThisCpuOp.XCHG, 8))).contains("lg %r2,0(%r1); csg %r2,%r0,0(%r1); jl 0b");
    assertThat(mnemonics(z(ThisCpuOp.READ, 8))).isEqualTo("lghi %r9,0 (get_lowcore); "
        + "asi 0x3a8(%r9),1; lg %r1,0x3b8(%r9); "
        + "agr %r1,%r2; lg %r2,0(%r1); alsi 0x3a8(%r9),-1; "
        + "brc 5,1f (cc 1|3: nonzero, skip preempt_schedule_notrace)");
    MicroOp[] w = z(ThisCpuOp.WRITE, 8);
    assertThat(mnemonics(w)).isEqualTo("lghi %r9,0 (get_lowcore); "
        + "stnsm 0(%r15),0xfc; lg %r1,0x3b8(%r9); agr %r1,%r2; "
        + "stg %r3,0(%r1); tmhh %r4,0x0300; jz 1f; stosm 0(%r15),0x03");
    assertThat(OpContract.count(w, Effect.PREEMPT_INC)).as("generic write: IRQs off only")
        .isZero();
    assertThat(z(ThisCpuOp.READ, 1)[4].mnemonic()).isEqualTo("llgc %r2,0(%r1)");
    assertThat(z(ThisCpuOp.WRITE, 2)[4].mnemonic()).isEqualTo("sth %r3,0(%r1)");
  }

  @Test
  void instructionCounts() {
    int[][] z196 = {
        // size: 1, 2, 4, 8
        {7, 7, 7, 7},      // READ
        {8, 8, 8, 8},      // WRITE
        {13, 13, 7, 7},    // ADD
        {13, 13, 8, 8},    // SUB
        {13, 13, 7, 7},    // INC
        {13, 13, 7, 7},    // DEC
        {13, 13, 7, 7},    // AND
        {13, 13, 7, 7},    // OR
        {13, 13, 8, 8},    // ADD_RETURN
        {12, 12, 9, 9},    // XCHG
        {13, 13, 7, 7},    // CMPXCHG
        {15, 15, 9, 9}};   // TRY_CMPXCHG
    int[] sizes = {1, 2, 4, 8};
    for (ThisCpuOp op : ThisCpuOp.values()) {
      for (int s = 0; s < 4; s++) {
        assertThat(z(op, sizes[s])).as("this_cpu_%s_%d", op.kernelName(), sizes[s])
            .hasSize(z196[op.ordinal()][s]);
      }
    }
    assertThat(seq(S390Ops.NO_Z196, ThisCpuOp.ADD, 8, OpForm.THIS_CPU)).hasSize(19);
    assertThat(seq(S390Ops.NO_Z196, ThisCpuOp.READ, 8, OpForm.THIS_CPU)).hasSize(16);
    assertThat(seq(S390Ops.NO_Z196, ThisCpuOp.WRITE, 8, OpForm.THIS_CPU)).hasSize(8);
    for (S390Ops ops : new S390Ops[] {S390Ops.Z196, S390Ops.NO_Z196}) {
      for (OpForm f : new OpForm[] {OpForm.RAW_CPU, OpForm.UNDERSCORE_THIS_CPU}) {
        assertThat(seq(ops, ThisCpuOp.READ, 8, f)).hasSize(4);
        assertThat(seq(ops, ThisCpuOp.WRITE, 8, f)).hasSize(4);
        assertThat(seq(ops, ThisCpuOp.ADD, 1, f)).hasSize(6);
        assertThat(seq(ops, ThisCpuOp.ADD, 8, f)).hasSize(6);
        assertThat(seq(ops, ThisCpuOp.XCHG, 8, f)).hasSize(6);
        assertThat(seq(ops, ThisCpuOp.CMPXCHG, 8, f)).hasSize(7);
      }
    }
  }

  @Test
  void noLocalMapAndNoOddSizes() {
    assertThatThrownBy(() -> S390Ops.Z196.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU,
        OpMode.LOCAL_MAP)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("s390 cannot express percpu.access=local-map; allowed: offset|marker-fixup (local-map only "
            + "with the experimental local map)");
    assertThatThrownBy(() -> S390Ops.Z196.sequence(ThisCpuOp.ADD, 16, OpForm.THIS_CPU,
        OpMode.BASELINE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("this_cpu op size 16 is not allowed; allowed: 1, 2, 4, 8");
  }
}
