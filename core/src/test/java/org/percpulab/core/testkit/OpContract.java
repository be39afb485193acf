package org.percpulab.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;

/** Checks one BASELINE op sequence against the {@link org.percpulab.core.spi.OpSequences} contract; shared by backend tests. */
public final class OpContract {
  private OpContract() { }

  public static void check(ThisCpuOp op, int size, OpForm form, MicroOp[] seq) {
    String what = form.prefix() + op.kernelName() + "_" + size;
    int readOffset = index(seq, Effect.READ_OFFSET);
    int addr = index(seq, Effect.ADDR_GLOBAL);
    assertThat(readOffset).as(what + " READ_OFFSET").isGreaterThanOrEqualTo(0);
    assertThat(addr).as(what + " ADDR_GLOBAL after READ_OFFSET").isGreaterThan(readOffset);
    assertThat(index(seq, Effect.ADDR_LOCAL)).as(what + " no ADDR_LOCAL").isEqualTo(-1);
    int rmw = count(seq, Effect.ATOMIC_RMW) + count(seq, Effect.STORE_EXCLUSIVE)
        + count(seq, Effect.CAS_RETRY) + count(seq, Effect.STORE);
    if (op == ThisCpuOp.READ) {
      assertThat(rmw).as(what + " read stores nothing").isZero();
      assertThat(count(seq, Effect.LOAD)).as(what + " one LOAD").isEqualTo(1);
    } else {
      assertThat(rmw).as(what + " exactly one RMW/store effect").isEqualTo(1);
    }
    int cas = index(seq, Effect.CAS_RETRY);
    if (cas >= 0) {
      assertThat(index(seq, Effect.LOAD)).as(what + " LOAD before CAS_RETRY").isBetween(0, cas);
    }
    int store = index(seq, Effect.STORE);
    if (store >= 0 && op != ThisCpuOp.WRITE && form == OpForm.THIS_CPU) {
      boolean irq = index(seq, Effect.IRQ_SAVE) >= 0 && index(seq, Effect.IRQ_SAVE) < store
          && index(seq, Effect.IRQ_RESTORE) > store;
      boolean preempt = index(seq, Effect.PREEMPT_INC) >= 0
          && index(seq, Effect.PREEMPT_INC) < store && index(seq, Effect.PREEMPT_DEC_CHECK) > store;
      assertThat(irq || preempt).as(what + " plain STORE only under protection").isTrue();
    }
    if (form != OpForm.THIS_CPU) {
      assertThat(count(seq, Effect.IRQ_SAVE) + count(seq, Effect.PREEMPT_INC))
          .as(what + " raw forms have no protection").isZero();
    }
    assertThat(count(seq, Effect.IRQ_SAVE)).as(what).isEqualTo(count(seq, Effect.IRQ_RESTORE));
    assertThat(count(seq, Effect.PREEMPT_INC)).as(what)
        .isEqualTo(count(seq, Effect.PREEMPT_DEC_CHECK));
  }

  public static int index(MicroOp[] seq, Effect e) {
    for (int i = 0; i < seq.length; i++) {
      if (seq[i].effect() == e) {
        return i;
      }
    }
    return -1;
  }

  public static int count(MicroOp[] seq, Effect e) {
    int n = 0;
    for (MicroOp m : seq) {
      if (m.effect() == e) {
        n++;
      }
    }
    return n;
  }
}
