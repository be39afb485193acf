package org.percpulab.arch.s390;

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
 * s390 this_cpu op sequences (arch/s390/include/asm/percpu.h, preempt.h, atomic_ops.h,
 * cmpxchg.h; the rest from include/asm-generic/percpu.h).
 *
 * <p><b>Lowcore base.</b> Every sequence starts with one {@code lghi %r9,0}: v6.17's get_lowcore()
 * loads the lowcore base into a register, and since its asm is not volatile the compiler shares
 * that one load between preempt_disable, __my_cpu_offset and preempt_enable (see
 * {@link S390Lowcore}); the raw and {@code __this_cpu} forms need it for __my_cpu_offset alone.
 *
 * <p><b>Offset.</b> {@code __my_cpu_offset} is {@code get_lowcore()->percpu_offset}: a load from
 * lowcore offset 0x3b8 off the base (the lowcore is per CPU through the prefix register, so the same
 * address reads each CPU's own value), then an add to the pointer: {@code lg %r1,0x3b8(%r9)}
 * (READ_OFFSET), {@code agr %r1,%r2} (ADDR_GLOBAL). The compiler may fuse the two into one
 * {@code ag}; not modelled.
 *
 * <p><b>Preemption.</b> preempt_count is the 32-bit lowcore field at 0x3a8 with PREEMPT_NEED_RESCHED
 * (0x80000000) folded in inverted. With the z196 facilities, preempt_disable_notrace is one
 * {@code asi 0x3a8(%r9),1} (__atomic_add_const) and preempt_enable_notrace is
 * {@code alsi 0x3a8(%r9),-1} plus a branch on the condition code to preempt_schedule_notrace
 * (__preempt_count_dec_and_test, taken when the result is zero: count 0 and resched pending).
 * Without them, both are CS loops on the lowcore word ({@code l; lr; ahi; cs; jl}, and the enable
 * also compares the old value: {@code chi; je}).
 *
 * <p><b>this_cpu ops</b> (all inside preempt_disable_notrace/enable_notrace, never IRQ-off):
 * <ul>
 *   <li>4/8-byte with z196 (s390.z196=true): inc/dec (a compile-time constant in [-128,127]) as
 *       {@code asi/agsi}; add (a register operand: OpSequences has no operand value, so add is
 *       treated as non-constant) as {@code laa/laag}; sub = {@code lcr/lcgr} + laa/laag;
 *       add_return = laa/laag + {@code ar/agr} (old + val); and = {@code lan/lang}; or =
 *       {@code lao/laog}. One ATOMIC_RMW each.
 *   <li>1/2-byte add/sub/inc/dec/add_return/and/or, and 4/8-byte without z196:
 *       arch_this_cpu_to_op_simple, a CS loop (READ_ONCE, compute, cmpxchg, compare). For 1/2
 *       bytes cmpxchg works on the containing aligned word: two instructions set up shift and mask,
 *       one inserts the new byte/halfword into the word; simplified to one loop (the kernel nests
 *       the byte-cmpxchg retry inside the op retry).
 *   <li>cmpxchg 4/8: one {@code cs/csg} (ATOMIC_RMW); 1/2: the word CS loop. try_cmpxchg:
 *       asm-generic's fallback on this_cpu_cmpxchg, i.e. cmpxchg plus compare and branch.
 *   <li>xchg: {@code l/lg} then a {@code cs/csg} loop; 1/2 bytes on the containing word.
 *   <li>read: not defined by s390, so asm-generic this_cpu_generic_read: preempt-disabled load.
 *   <li>write: not defined by s390, so asm-generic this_cpu_generic_to_op: IRQ save
 *       ({@code stnsm 0xfc}, store then AND system mask), the store, IRQ restore
 *       (arch/s390/include/asm/irqflags.h arch_local_irq_restore: only disabled-to-enabled is
 *       acted on, so test the saved ARCH_IRQ_ENABLED bits (top byte) and {@code stosm 0x03}
 *       when set: {@code tmhh; jz; stosm}).
 *   <li>{@code __this_cpu_*} / {@code raw_cpu_*}: asm-generic raw_cpu_generic_*, plain
 *       load/op/store, no protection.
 * </ul>
 *
 * <p>Modelled: CS-loop and plain RMWs carry the ALU instruction as COMPUTE (the CS-loop xchg has
 * none: the new value is already in a register; the plain raw xchg has a register move as COMPUTE,
 * a modelling step because core's executor takes the return value there). Counts are for the
 * uncontended case (one iteration); the
 * executor re-runs from the LOAD on a CAS mismatch.
 *
 * <p><b>local-map</b> (experimental, {@link S390LocalPerCpuMap}; the arm64 seed series adapted):
 * {@code this_cpu_*} lose their preempt (and, for write, IRQ) protection and form the address as
 * pointer + {@code __per_cpu_local_off}, the same on every CPU; the op itself stays the single
 * interlocked instruction (laa/lan/lao/asi/csg) or the CS loop (a CS loop is safe unprotected on the
 * alias: after a migration its compare runs against the new CPU's copy). s390 has no TPIDR, so
 * where arm64 reads a system register the offset comes from lowcore: {@code s390.localOffset=lowcore}
 * (default) adds a lowcore field holding {@code __per_cpu_local_off} (the same value in every
 * CPU's lowcore, written when the CPU is prepared, next to percpu_offset):
 * {@code lghi %r9,0; lg %r1,__LC_PERCPU_LOCAL_OFF(%r9); agr %r1,%r2};
 * {@code immediate} patches the constant into the text at boot as arm64.localOffset=immediate
 * does ({@code llihf; iilf; agr}). {@code __this_cpu_*}/{@code raw_cpu_*} keep lowcore
 * {@code percpu_offset} (same cost as the alias; {@code percpu.localForms=all} moves them to the
 * alias).
 *
 * <p><b>Preemption model</b> ({@link PreemptModel}, include/linux/preempt.h): without PREEMPT_COUNT
 * the preempt_disable/enable_notrace around the ops emit nothing; with PREEMPT_COUNT but not
 * PREEMPTION the enable is {@code __preempt_count_dec()}: {@code asi 0x3a8,-1} (z196) or the CS
 * loop without the compare. CONFIG_DEBUG_PREEMPT adds {@code __this_cpu_preempt_check} to
 * {@code __this_cpu_*}: brasl, load-and-test of the count, branch.
 *
 * <p><b>marker-fixup</b> (Heiko Carstens, "s390: Improve this_cpu operations", v1 lore
 * 20260317195436.2276810-1-hca, v3/v5 May 2026): the single-instruction ops (read, write, and the
 * z196 4/8-byte laa/lan/lao/asi/csg forms) are bracketed by two {@code mviy} stores to lowcore
 * (the register number holding the percpu address, then zero) and lose their preempt/IRQ
 * protection; the exception-return fixup that rewrites the base register after a migration is
 * executed by core (MicroOp.Effect#MARKER_SET). CS-loop ops keep the preempt protection.
 */
public final class S390Ops implements OpSequences {

  private static final int[] SIZES = {1, 2, 4, 8};
  /** Operand text of the lowcore preempt_count. */
  private static final String PC = S390Lowcore.operand(S390Lowcore.PREEMPT_COUNT);

  public static final S390Ops Z196 = new S390Ops(true, PreemptModel.DYNAMIC);
  public static final S390Ops NO_Z196 = new S390Ops(false, PreemptModel.DYNAMIC);
  /** Lowcore byte the marker stores write (added by the marker-fixup series; symbolic). */
  private static final String MARKER = "__LC_PCPU_MARKER(%r0)";

  private final boolean z196;
  private final PreemptModel preempt;
  private final MicroOp[][][][] table =
      new MicroOp[ThisCpuOp.values().length][SIZES.length][OpForm.values().length][];
  private final MicroOp[][][][] marker =
      new MicroOp[ThisCpuOp.values().length][SIZES.length][OpForm.values().length][];
  /** local-map sequences; null without the experimental local map. */
  private final MicroOp[][][][] local;
  private final boolean immediateLocalOffset;
  private final boolean allFormsLocal;

  private S390Ops(boolean z196, PreemptModel preempt) {
    this(z196, preempt, false, false, false);
  }

  private S390Ops(boolean z196, PreemptModel preempt, boolean localMap, boolean immediate,
      boolean allForms) {
    this.z196 = z196;
    this.preempt = preempt;
    this.immediateLocalOffset = immediate;
    this.allFormsLocal = allForms;
    this.local = localMap
        ? new MicroOp[ThisCpuOp.values().length][SIZES.length][OpForm.values().length][] : null;
    for (ThisCpuOp op : ThisCpuOp.values()) {
      for (int s = 0; s < SIZES.length; s++) {
        for (OpForm form : OpForm.values()) {
          table[op.ordinal()][s][form.ordinal()] = build(op, SIZES[s], form, false);
          marker[op.ordinal()][s][form.ordinal()] = buildMarker(op, SIZES[s], form);
          if (local != null) {
            local[op.ordinal()][s][form.ordinal()] = build(op, SIZES[s], form, true);
          }
        }
      }
    }
  }

  /**
   * The sequences with the experimental local map ({@code localMap}): {@code immediate} =
   * {@code s390.localOffset=immediate}, {@code allForms} = {@code percpu.localForms=all}.
   */
  public static S390Ops of(boolean z196, PreemptModel preempt, boolean localMap,
      boolean immediate, boolean allForms) {
    return localMap ? new S390Ops(z196, preempt, true, immediate, allForms) : of(z196, preempt);
  }

  public static S390Ops of(boolean z196) {
    return z196 ? Z196 : NO_Z196;
  }

  /** The sequences for {@code z196} and {@code preempt} (the shared ones for the default model). */
  public static S390Ops of(boolean z196, PreemptModel preempt) {
    return preempt.preemptCount() && preempt.preemption() && !preempt.debugPreempt()
        ? of(z196) : new S390Ops(z196, preempt);
  }

  /**
   * marker-fixup: a single-instruction this_cpu op between the two marker stores, without
   * protection; every other op and form as in the offset access.
   */
  private MicroOp[] buildMarker(ThisCpuOp op, int size, OpForm form) {
    MicroOp[] base = build(op, size, form, false);
    if (form != OpForm.THIS_CPU) {
      return base;
    }
    List<MicroOp> body = new ArrayList<>();
    int accesses = 0;
    boolean single = true;
    boolean inBody = false;
    for (MicroOp m : base) {
      switch (m.effect()) {
        case READ_OFFSET: inBody = true; body.add(m); break;
        case PREEMPT_INC: case PREEMPT_DEC_CHECK: case PREEMPT_DEC: case IRQ_SAVE:
        case IRQ_RESTORE:
          inBody = false;
          break;
        case CAS_RETRY: case COMPUTE: single = false; body.add(m); break;
        case LOAD: case STORE: case ATOMIC_RMW: accesses++; body.add(m); break;
        default:
          // after a write's store only the IRQ restore's test and branch follow
          if (inBody && !(op == ThisCpuOp.WRITE && accesses > 0)) {
            body.add(m);
          }
          break;
      }
    }
    if (!single || accesses != 1) {
      return base;
    }
    List<MicroOp> l = new ArrayList<>();
    l.add(new MicroOp("mviy " + MARKER + ",1 (base register %r1)", CostClass.STORE,
        Effect.MARKER_SET));
    l.addAll(body);
    l.add(new MicroOp("mviy " + MARKER + ",0", CostClass.STORE, Effect.MARKER_CLEAR));
    return l.toArray(new MicroOp[0]);
  }

  public boolean z196() {
    return z196;
  }

  @Override public MicroOp[] sequence(ThisCpuOp op, int size, OpForm form, OpMode mode) {
    if (mode == OpMode.MARKER_FIXUP) {
      return marker[op.ordinal()][OpSequences.sizeIndex(size)][form.ordinal()];
    }
    if (mode == OpMode.LOCAL_MAP && local != null) {
      return local[op.ordinal()][OpSequences.sizeIndex(size)][form.ordinal()];
    }
    if (mode != OpMode.BASELINE) {
      throw new IllegalArgumentException("s390 cannot express percpu.access="
          + mode.accessName() + "; allowed: offset|marker-fixup"
          + (local != null ? "|local-map" : " (local-map only with the experimental local map)"));
    }
    return table[op.ordinal()][OpSequences.sizeIndex(size)][form.ordinal()];
  }


  /** {@code localMap}: the local-map variant (see the class comment). */
  private MicroOp[] build(ThisCpuOp op, int size, OpForm form, boolean localMap) {
    List<MicroOp> l = new ArrayList<>();
    boolean alias = localMap && (form == OpForm.THIS_CPU || allFormsLocal);
    boolean debugCheck = form == OpForm.UNDERSCORE_THIS_CPU && preempt.debugPreempt();
    if (!alias || !immediateLocalOffset || debugCheck) {
      l.add(MicroOp.of(S390Lowcore.GET_LOWCORE, CostClass.ALU));
    }
    if (debugCheck) {
      l.add(MicroOp.of("brasl %r14,__this_cpu_preempt_check", CostClass.CALL));
      l.add(MicroOp.of("lt %r0," + PC, CostClass.LOAD));
      l.add(MicroOp.of("jnz 1f (br %r14)", CostClass.BRANCH));
    }
    if (form != OpForm.THIS_CPU) {
      raw(l, op, size, alias);
      return l.toArray(new MicroOp[0]);
    }
    if (localMap) {
      localBody(l, op, size);
      return l.toArray(new MicroOp[0]);
    }
    if (op == ThisCpuOp.WRITE) {
      l.add(new MicroOp("stnsm 0(%r15),0xfc", CostClass.IRQ_SAVE, Effect.IRQ_SAVE));
      offset(l);
      l.add(new MicroOp(st(size) + " %r3,0(%r1)", CostClass.STORE, Effect.STORE));
      l.add(MicroOp.of("tmhh %r4,0x0300", CostClass.ALU));
      l.add(MicroOp.of("jz 1f", CostClass.BRANCH));
      l.add(new MicroOp("stosm 0(%r15),0x03", CostClass.IRQ_RESTORE, Effect.IRQ_RESTORE));
      return l.toArray(new MicroOp[0]);
    }
    preemptDisable(l);
    offset(l);
    body(l, op, size);
    preemptEnable(l);
    return l.toArray(new MicroOp[0]);
  }

  /** local-map {@code this_cpu_*}: the alias address, then the op with no protection. */
  private void localBody(List<MicroOp> l, ThisCpuOp op, int size) {
    localOffset(l);
    if (op == ThisCpuOp.WRITE) {
      l.add(new MicroOp(st(size) + " %r3,0(%r1)", CostClass.STORE, Effect.STORE));
      return;
    }
    body(l, op, size);
  }

  /** {@code __per_cpu_local_off} + pointer ({@code s390.localOffset}, class comment). */
  private void localOffset(List<MicroOp> l) {
    if (immediateLocalOffset) {
      l.add(MicroOp.of("llihf %r1,__per_cpu_local_off>>32 (patched at boot)", CostClass.ALU));
      l.add(MicroOp.of("iilf %r1,__per_cpu_local_off&0xffffffff", CostClass.ALU));
    } else {
      l.add(MicroOp.of("lg %r1,__LC_PERCPU_LOCAL_OFF(" + S390Lowcore.BASE + ")",
          CostClass.LOAD));
    }
    l.add(new MicroOp("agr %r1,%r2", CostClass.ALU, Effect.ADDR_LOCAL));
  }

  /** The op of a {@code this_cpu_*} other than write, after the address is formed. */
  private void body(List<MicroOp> l, ThisCpuOp op, int size) {
    boolean wide = size >= 4;
    switch (op) {
      case READ:
        l.add(new MicroOp(ld(size) + " %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
        break;
      case INC:
      case DEC:
        if (wide && z196) {
          String imm = op == ThisCpuOp.INC ? "1" : "-1";
          l.add(new MicroOp((size == 8 ? "agsi" : "asi") + " 0(%r1)," + imm,
              CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW));
        } else {
          casLoop(l, size, (size == 8 ? "aghi" : "ahi") + " %r0,"
              + (op == ThisCpuOp.INC ? "1" : "-1"));
        }
        break;
      case ADD:
      case SUB:
        if (wide && z196) {
          if (op == ThisCpuOp.SUB) {
            l.add(MicroOp.of((size == 8 ? "lcgr" : "lcr") + " %r3,%r3", CostClass.ALU));
          }
          l.add(new MicroOp((size == 8 ? "laag" : "laa") + " %r2,%r3,0(%r1)",
              CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW));
        } else {
          casLoop(l, size, (op == ThisCpuOp.SUB ? "s" : "a") + r(size) + " %r0,%r3");
        }
        break;
      case ADD_RETURN:
        if (wide && z196) {
          l.add(new MicroOp((size == 8 ? "laag" : "laa") + " %r2,%r3,0(%r1)",
              CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW));
          l.add(MicroOp.of((size == 8 ? "agr" : "ar") + " %r2,%r3", CostClass.ALU));
        } else {
          casLoop(l, size, "a" + r(size) + " %r0,%r3");
        }
        break;
      case AND:
        if (wide && z196) {
          l.add(new MicroOp((size == 8 ? "lang" : "lan") + " %r2,%r3,0(%r1)",
              CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW));
        } else {
          casLoop(l, size, "n" + r(size) + " %r0,%r3");
        }
        break;
      case OR:
        if (wide && z196) {
          l.add(new MicroOp((size == 8 ? "laog" : "lao") + " %r2,%r3,0(%r1)",
              CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW));
        } else {
          casLoop(l, size, "o" + r(size) + " %r0,%r3");
        }
        break;
      case XCHG:
        casLoop(l, size, null);
        break;
      case CMPXCHG:
        cmpxchg(l, size);
        break;
      case TRY_CMPXCHG:
        cmpxchg(l, size);
        l.add(MicroOp.of((size == 8 ? "cgr" : "cr") + " %r2,%r4", CostClass.ALU));
        l.add(MicroOp.of("jne 2f", CostClass.BRANCH));
        break;
      default:
        throw new AssertionError(op);
    }
  }

  private void raw(List<MicroOp> l, ThisCpuOp op, int size, boolean alias) {
    if (alias) {
      localOffset(l);
    } else {
      offset(l);
    }
    switch (op) {
      case READ:
        l.add(new MicroOp(ld(size) + " %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
        return;
      case WRITE:
        l.add(new MicroOp(st(size) + " %r3,0(%r1)", CostClass.STORE, Effect.STORE));
        return;
      case XCHG:
        l.add(new MicroOp(ld(size) + " %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
        l.add(new MicroOp("l" + r(size) + " %r0,%r3", CostClass.ALU, Effect.COMPUTE));
        l.add(new MicroOp(st(size) + " %r0,0(%r1)", CostClass.STORE, Effect.STORE));
        return;
      case CMPXCHG:
      case TRY_CMPXCHG:
        l.add(new MicroOp(ld(size) + " %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
        l.add(new MicroOp("c" + r(size) + " %r2,%r4", CostClass.ALU, Effect.COMPUTE));
        l.add(MicroOp.of("jne 1f", CostClass.BRANCH));
        l.add(new MicroOp(st(size) + " %r3,0(%r1)", CostClass.STORE, Effect.STORE));
        return;
      default:
        l.add(new MicroOp(ld(size) + " %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
        l.add(new MicroOp(alu(op) + r(size) + " %r2,%r3", CostClass.ALU, Effect.COMPUTE));
        l.add(new MicroOp(st(size) + " %r2,0(%r1)", CostClass.STORE, Effect.STORE));
    }
  }

  private static String alu(ThisCpuOp op) {
    switch (op) {
      case AND: return "n";
      case OR: return "o";
      case SUB: return "s";
      default: return "a";
    }
  }

  /**
   * READ_ONCE, compute (absent for xchg), cs/csg, retry branch; 1/2 bytes on the containing
   * aligned word.
   */
  private static void casLoop(List<MicroOp> l, int size, String compute) {
    boolean narrow = size < 4;
    if (narrow) {
      wordSetup(l);
    }
    l.add(new MicroOp((narrow ? "l" : ld(size)) + " %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
    if (compute != null) {
      l.add(new MicroOp(compute, CostClass.ALU, Effect.COMPUTE));
    }
    if (narrow) {
      l.add(MicroOp.of("rosbg %r0,%r2 (insert into word)", CostClass.ALU));
    }
    l.add(new MicroOp(cs(size) + " %r2,%r0,0(%r1)", CostClass.CAS, Effect.CAS_RETRY));
    l.add(MicroOp.of("jl 0b", CostClass.BRANCH));
  }

  private static void cmpxchg(List<MicroOp> l, int size) {
    if (size >= 4) {
      l.add(new MicroOp(cs(size) + " %r2,%r3,0(%r1)", CostClass.CAS, Effect.ATOMIC_RMW));
      return;
    }
    wordSetup(l);
    l.add(new MicroOp("l %r2,0(%r1)", CostClass.LOAD, Effect.LOAD));
    l.add(new MicroOp("rosbg %r4,%r2 (old into word)", CostClass.ALU, Effect.COMPUTE));
    l.add(MicroOp.of("rosbg %r0,%r2 (new into word)", CostClass.ALU));
    l.add(new MicroOp("cs %r4,%r0,0(%r1)", CostClass.CAS, Effect.CAS_RETRY));
    l.add(MicroOp.of("jl 0b", CostClass.BRANCH));
  }

  private static void wordSetup(List<MicroOp> l) {
    l.add(MicroOp.of("sllk %r5,%r1,3 (shift)", CostClass.ALU));
    l.add(MicroOp.of("nill %r1,0xfffc (align)", CostClass.ALU));
  }

  private static void offset(List<MicroOp> l) {
    l.add(new MicroOp("lg %r1," + S390Lowcore.operand(S390Lowcore.PERCPU_OFFSET), CostClass.LOAD,
        Effect.READ_OFFSET));
    l.add(new MicroOp("agr %r1,%r2", CostClass.ALU, Effect.ADDR_GLOBAL));
  }

  private void preemptDisable(List<MicroOp> l) {
    if (!preempt.preemptCount()) {
      return;
    }
    if (z196) {
      l.add(new MicroOp("asi " + PC + ",1", CostClass.ATOMIC_NEAR, Effect.PREEMPT_INC));
    } else {
      countCsLoop(l, 1, Effect.PREEMPT_INC);
    }
  }

  /** Without z196: add {@code delta} to the lowcore count with a CS loop. */
  private static void countCsLoop(List<MicroOp> l, int delta, Effect effect) {
    l.add(MicroOp.of("l %r4," + PC, CostClass.LOAD));
    l.add(MicroOp.of("lr %r5,%r4", CostClass.ALU));
    l.add(MicroOp.of("ahi %r5," + delta, CostClass.ALU));
    l.add(new MicroOp("cs %r4,%r5," + PC, CostClass.CAS, effect));
    l.add(MicroOp.of("jl 0b", CostClass.BRANCH));
  }

  private void preemptEnable(List<MicroOp> l) {
    if (!preempt.preemptCount()) {
      return;
    }
    if (!preempt.preemption()) {
      if (z196) {
        l.add(new MicroOp("asi " + PC + ",-1", CostClass.ATOMIC_NEAR, Effect.PREEMPT_DEC));
      } else {
        countCsLoop(l, -1, Effect.PREEMPT_DEC);
      }
      return;
    }
    if (z196) {
      l.add(new MicroOp("alsi " + PC + ",-1", CostClass.ATOMIC_NEAR, Effect.PREEMPT_DEC_CHECK));
      l.add(MicroOp.of("brc 5,1f (cc 1|3: nonzero, skip preempt_schedule_notrace)",
          CostClass.BRANCH));
    } else {
      countCsLoop(l, -1, Effect.PREEMPT_DEC_CHECK);
      l.add(MicroOp.of("chi %r4,1", CostClass.ALU));
      l.add(MicroOp.of("jne 1f (else brasl preempt_schedule_notrace)", CostClass.BRANCH));
    }
  }

  private static String r(int size) {
    return size == 8 ? "gr" : "r";
  }

  private static String cs(int size) {
    return size == 8 ? "csg" : "cs";
  }

  private static String ld(int size) {
    return size == 1 ? "llgc" : size == 2 ? "llgh" : size == 4 ? "llgf" : "lg";
  }

  private static String st(int size) {
    return size == 1 ? "stc" : size == 2 ? "sth" : size == 4 ? "st" : "stg";
  }
}
