package org.percpulab.mm.percpu.explore;

import org.percpulab.core.spi.MicroOp;

/**
 * The ablation of a this_cpu sequence's preempt protection (include/linux/percpu-defs.h wraps
 * {@code this_cpu_*} in preempt_disable_notrace/preempt_enable_notrace, or the arch's own
 * {@code _pcp_protect}): the micro-ops that raise and drop preempt_count (PREEMPT_INC,
 * PREEMPT_DEC_CHECK) stay in the sequence, marked, but no longer change the count, so the task
 * stays preemptible between every two micro-ops. Everything else is the backend's sequence as
 * written. A sequence without those effects is returned as is.
 */
final class PreemptAblation {
  private PreemptAblation() {
  }

  static MicroOp[] strip(MicroOp[] seq) {
    MicroOp[] out = seq.clone();
    boolean changed = false;
    for (int i = 0; i < out.length; i++) {
      MicroOp.Effect e = out[i].effect();
      if (e == MicroOp.Effect.PREEMPT_INC || e == MicroOp.Effect.PREEMPT_DEC_CHECK) {
        out[i] = new MicroOp(out[i].mnemonic() + "  [ablated]", out[i].cost(),
            MicroOp.Effect.NONE);
        changed = true;
      } else if (e == MicroOp.Effect.PRIVATE_PREEMPT_INC
          || e == MicroOp.Effect.PRIVATE_PREEMPT_DEC_CHECK) {
        // private-page: the store to the CPU-private page stays, the count does not change
        out[i] = new MicroOp(out[i].mnemonic() + "  [ablated]", out[i].cost(),
            MicroOp.Effect.PRIVATE_STORE);
        changed = true;
      }
    }
    return changed ? out : seq;
  }
}
