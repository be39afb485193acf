package org.percpulab.arch.generic;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.PreemptModel;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * The this_cpu op sequences of include/asm-generic/percpu.h, written in a neutral RISC-like
 * pseudo-assembly ({@code lb/lh/lw/ld}, {@code sb/sh/sw/sd}; {@code tp} holds {@code current}).
 *
 * <ul>
 *   <li>Offset: {@code __my_cpu_offset = __per_cpu_offset[raw_smp_processor_id()]}: load the CPU
 *       number from thread_info, load the array element (READ_OFFSET), add it to the pointer
 *       (ADDR_GLOBAL) - 3 instructions.
 *   <li>{@code this_cpu_*} read-modify-write, write, add_return, xchg, cmpxchg, try_cmpxchg:
 *       {@code this_cpu_generic_to_op} and friends - raw_local_irq_save, the plain raw op,
 *       raw_local_irq_restore. IRQs off also keeps preemption away.
 *   <li>{@code this_cpu_read}: {@code this_cpu_generic_read}; every size 1..8 is a native word on a
 *       64-bit kernel, so preempt_disable_notrace, READ_ONCE, preempt_enable_notrace.
 *   <li>{@code __this_cpu_*} and {@code raw_cpu_*}: {@code raw_cpu_generic_*}, no protection
 *       (CONFIG_DEBUG_PREEMPT is off, so {@code __this_cpu_preempt_check} emits nothing).
 * </ul>
 *
 * <p>Modelled, not copied: asm-generic preempt.h keeps preempt_count in thread_info; disable is
 * load/add/store (3), enable is load/sub/store, branch if non-zero, load the thread flags and
 * test-and-branch on TIF_NEED_RESCHED (6, when the count reaches zero with nothing pending).
 * IRQ save and restore are one instruction each (a status-register swap/write). Arithmetic RMWs
 * have a COMPUTE micro-op (the ALU instruction); cmpxchg is load, compare-and-branch (COMPUTE),
 * store; xchg is load, move of the new value (COMPUTE: a modelling step, since core's executor
 * takes the op's return value at COMPUTE on the plain-store path; a compiler needs no move),
 * store. inc/dec/sub cost the same as add here (no immediate form).
 *
 * <p>LOCAL_MAP (only with the experimental {@code generic.localMap=on}; a model, no kernel has
 * it): the offset becomes {@code __per_cpu_local_off}, a boot-time variable (load + add, as the
 * seed series on arm64); this_cpu_read and this_cpu_write are one access through the alias and
 * drop their protection; the read-modify-write ops keep the IRQ save/restore, since generic has no
 * single-instruction RMW and a plain load/op/store through the alias can still lose an update to
 * an interrupt or a task preempting it on the same CPU.
 *
 * <p>Preemption model ({@link PreemptModel}, include/linux/preempt.h): without PREEMPT_COUNT the
 * read's preempt_disable/enable_notrace emit nothing; with PREEMPT_COUNT but not PREEMPTION the
 * enable is a plain decrement (3). CONFIG_DEBUG_PREEMPT adds the {@code __this_cpu_preempt_check}
 * call to {@code __this_cpu_*}: call, load the count, branch when non-zero (3).
 *
 * <p>Accesses: offset and segment (one hypothetical {@code tp}-segment-relative instruction per
 * op, x86's {@code %gs:} forms, every form: the upper bound). LOCAL_MAP only with the experimental
 * {@code generic.localMap=on} (above).
 */
public final class GenericOps implements OpSequences {

  private static final int[] SIZES = {1, 2, 4, 8};

  /** PREEMPT_DYNAMIC without debug options (the default), no local map: LOCAL_MAP is refused. */
  public static final GenericOps INSTANCE = new GenericOps(PreemptModel.DYNAMIC, false);
  /** The default preemption with the experimental local map ({@code generic.localMap=on}). */
  public static final GenericOps WITH_LOCAL_MAP = new GenericOps(PreemptModel.DYNAMIC, true);

  private final boolean withLocalMap;

  private final PreemptModel preempt;
  private final MicroOp[][][][] table =
      new MicroOp[ThisCpuOp.values().length][SIZES.length][OpForm.values().length][];
  private final MicroOp[][][][] local =
      new MicroOp[ThisCpuOp.values().length][SIZES.length][OpForm.values().length][];
  private final MicroOp[][][][] segment =
      new MicroOp[ThisCpuOp.values().length][SIZES.length][OpForm.values().length][];

  private GenericOps(PreemptModel preempt, boolean withLocalMap) {
    this.preempt = preempt;
    this.withLocalMap = withLocalMap;
    for (ThisCpuOp op : ThisCpuOp.values()) {
      for (int s = 0; s < SIZES.length; s++) {
        for (OpForm form : OpForm.values()) {
          table[op.ordinal()][s][form.ordinal()] = build(op, SIZES[s], form, false);
          local[op.ordinal()][s][form.ordinal()] = build(op, SIZES[s], form, true);
          segment[op.ordinal()][s][form.ordinal()] = buildSegment(op, SIZES[s], form);
        }
      }
    }
  }

  /** The sequences for {@code preempt} ({@link #INSTANCE} when they equal the default's). */
  public static GenericOps of(PreemptModel preempt) {
    return of(preempt, false);
  }

  /** The sequences for {@code preempt}, with the experimental local map when {@code localMap}. */
  public static GenericOps of(PreemptModel preempt, boolean localMap) {
    if (preempt.preemptCount() && preempt.preemption() && !preempt.debugPreempt()) {
      return localMap ? WITH_LOCAL_MAP : INSTANCE;
    }
    return new GenericOps(preempt, localMap);
  }

  @Override public MicroOp[] sequence(ThisCpuOp op, int size, OpForm form, OpMode mode) {
    if (mode == OpMode.SEGMENT) {
      return segment[op.ordinal()][OpSequences.sizeIndex(size)][form.ordinal()];
    }
    if (mode != OpMode.BASELINE && !(mode == OpMode.LOCAL_MAP && withLocalMap)) {
      throw new IllegalArgumentException("generic cannot express percpu.access="
          + mode.accessName() + "; allowed: offset|segment"
          + (withLocalMap ? "|local-map" : " (local-map only with generic.localMap=on)"));
    }
    MicroOp[][][][] t = mode == OpMode.LOCAL_MAP ? local : table;
    return t[op.ordinal()][OpSequences.sizeIndex(size)][form.ordinal()];
  }

  private MicroOp[] buildSegment(ThisCpuOp op, int size, OpForm form) {
    List<MicroOp> l = new ArrayList<>();
    debugCheck(l, form);
    String at = "%tp:0(a1)";
    switch (op) {
      case READ:
        l.add(new MicroOp(ld(size) + " a0, " + at + " (segment)", CostClass.LOAD,
            Effect.SEG_LOAD));
        break;
      case WRITE:
        l.add(new MicroOp(st(size) + " a2, " + at + " (segment)", CostClass.STORE,
            Effect.SEG_STORE));
        break;
      case ADD_RETURN:
        l.add(new MicroOp("xadd " + at + ", a2 (segment)", CostClass.SEGMENT_RMW,
            Effect.SEG_RMW));
        l.add(MicroOp.of("add a0, a0, a2", CostClass.ALU));
        break;
      case TRY_CMPXCHG:
        l.add(new MicroOp("cmpxchg " + at + ", a2 (segment)", CostClass.SEGMENT_RMW,
            Effect.SEG_RMW));
        l.add(MicroOp.of("seqz a0, t0", CostClass.ALU));
        break;
      default:
        l.add(new MicroOp(op.kernelName() + " " + at + ", a2 (segment)", CostClass.SEGMENT_RMW,
            Effect.SEG_RMW));
        break;
    }
    return l.toArray(new MicroOp[0]);
  }

  /** CONFIG_DEBUG_PREEMPT's {@code __this_cpu_preempt_check} fast path. */
  private void debugCheck(List<MicroOp> l, OpForm form) {
    if (form == OpForm.UNDERSCORE_THIS_CPU && preempt.debugPreempt()) {
      l.add(MicroOp.of("call __this_cpu_preempt_check", CostClass.CALL));
      l.add(MicroOp.of("lw t5, TI_PREEMPT(tp)", CostClass.LOAD));
      l.add(MicroOp.of("bnez t5, 1f (ret)", CostClass.BRANCH));
    }
  }

  private MicroOp[] build(ThisCpuOp op, int size, OpForm form, boolean localMap) {
    List<MicroOp> l = new ArrayList<>();
    debugCheck(l, form);
    boolean protect = form == OpForm.THIS_CPU
        && !(localMap && (op == ThisCpuOp.READ || op == ThisCpuOp.WRITE));
    if (op == ThisCpuOp.READ) {
      if (protect) {
        preemptDisable(l);
      }
      offset(l, localMap);
      l.add(new MicroOp(ld(size) + " a0, 0(a1)", CostClass.LOAD, Effect.LOAD));
      if (protect) {
        preemptEnable(l);
      }
      return l.toArray(new MicroOp[0]);
    }
    if (protect) {
      l.add(new MicroOp("local_irq_save a3", CostClass.IRQ_SAVE, Effect.IRQ_SAVE));
    }
    offset(l, localMap);
    switch (op) {
      case WRITE:
        l.add(store(size));
        break;
      case CMPXCHG:
        l.add(load(size));
        l.add(new MicroOp("bne a0, a2, 1f", CostClass.BRANCH, Effect.COMPUTE));
        l.add(store(size));
        break;
      case XCHG:
        l.add(load(size));
        l.add(new MicroOp("mv t0, a2", CostClass.ALU, Effect.COMPUTE));
        l.add(new MicroOp(st(size) + " t0, 0(a1)", CostClass.STORE, Effect.STORE));
        break;
      case TRY_CMPXCHG:
        l.add(load(size));
        l.add(MicroOp.of(ld(size) + " t1, 0(a4)", CostClass.LOAD));
        l.add(new MicroOp("bne a0, t1, 1f", CostClass.BRANCH, Effect.COMPUTE));
        l.add(store(size));
        break;
      default:
        l.add(load(size));
        l.add(new MicroOp(compute(op) + " t0, a0, a2", CostClass.ALU, Effect.COMPUTE));
        l.add(new MicroOp(st(size) + " t0, 0(a1)", CostClass.STORE, Effect.STORE));
        break;
    }
    if (protect) {
      l.add(new MicroOp("local_irq_restore a3", CostClass.IRQ_RESTORE, Effect.IRQ_RESTORE));
    }
    return l.toArray(new MicroOp[0]);
  }

  private static String compute(ThisCpuOp op) {
    switch (op) {
      case AND: return "and";
      case OR: return "or";
      case SUB: return "sub";
      default: return "add";
    }
  }

  private static void offset(List<MicroOp> l, boolean localMap) {
    if (localMap) {
      l.add(MicroOp.of("ld t2, __per_cpu_local_off", CostClass.LOAD));
      l.add(new MicroOp("add a1, a1, t2", CostClass.ALU, Effect.ADDR_LOCAL));
      return;
    }
    l.add(MicroOp.of("lw t2, TI_CPU(tp)", CostClass.LOAD));
    l.add(new MicroOp("ld t2, __per_cpu_offset(t2<<3)", CostClass.LOAD, Effect.READ_OFFSET));
    l.add(new MicroOp("add a1, a1, t2", CostClass.ALU, Effect.ADDR_GLOBAL));
  }

  private void preemptDisable(List<MicroOp> l) {
    if (!preempt.preemptCount()) {
      return;
    }
    l.add(MicroOp.of("lw t3, TI_PREEMPT(tp)", CostClass.LOAD));
    l.add(MicroOp.of("addi t3, t3, 1", CostClass.ALU));
    l.add(new MicroOp("sw t3, TI_PREEMPT(tp)", CostClass.STORE, Effect.PREEMPT_INC));
  }

  private void preemptEnable(List<MicroOp> l) {
    if (!preempt.preemptCount()) {
      return;
    }
    l.add(MicroOp.of("lw t3, TI_PREEMPT(tp)", CostClass.LOAD));
    l.add(MicroOp.of("addi t3, t3, -1", CostClass.ALU));
    if (!preempt.preemption()) {
      l.add(new MicroOp("sw t3, TI_PREEMPT(tp)", CostClass.STORE, Effect.PREEMPT_DEC));
      return;
    }
    l.add(new MicroOp("sw t3, TI_PREEMPT(tp)", CostClass.STORE, Effect.PREEMPT_DEC_CHECK));
    l.add(MicroOp.of("bnez t3, 1f", CostClass.BRANCH));
    l.add(MicroOp.of("ld t4, TI_FLAGS(tp)", CostClass.LOAD));
    l.add(MicroOp.of("bbs t4, TIF_NEED_RESCHED, preempt_schedule_notrace", CostClass.BRANCH));
  }

  private static MicroOp load(int size) {
    return new MicroOp(ld(size) + " a0, 0(a1)", CostClass.LOAD, Effect.LOAD);
  }

  private static MicroOp store(int size) {
    return new MicroOp(st(size) + " a2, 0(a1)", CostClass.STORE, Effect.STORE);
  }

  private static String ld(int size) {
    return size == 1 ? "lb" : size == 2 ? "lh" : size == 4 ? "lw" : "ld";
  }

  private static String st(int size) {
    return size == 1 ? "sb" : size == 2 ? "sh" : size == 4 ? "sw" : "sd";
  }
}
