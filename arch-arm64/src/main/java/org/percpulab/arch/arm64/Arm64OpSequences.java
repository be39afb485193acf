package org.percpulab.arch.arm64;

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
 * arm64 this_cpu op sequences (arch/arm64/include/asm/percpu.h, cmpxchg.h, atomic_lse.h,
 * atomic_ll_sc.h, preempt.h; asm-generic/percpu.h for raw_cpu_* and try_cmpxchg).
 *
 * <p>BASELINE {@code this_cpu_*} = {@code _pcp_protect}: preempt_disable_notrace (mrs sp_el0 for
 * current; 32-bit ldr/add/str of the count), raw_cpu_ptr (mrs TPIDR_EL1, or TPIDR_EL2 under VHE;
 * add), the op, preempt_enable_notrace = __preempt_count_dec_and_test on the 64-bit word whose
 * bit 32 is the inverted need_resched: ldr x, sub, str w (count half only), cbz (to
 * preempt_schedule_notrace), then the re-read ldr x and a second cbz — the fast path always
 * executes the re-read.
 * <br>The op: add/and/or are the percpu.h ARM64_LSE_ATOMIC_INSN alternatives — LSE stadd/stclr/stset
 * plus 3 nops, or ldxr/op/stxr/cbnz; add_return = ldadd + add + 2 nops, or ldxr/add/stxr/cbnz;
 * and passes ~val (one mvn), sub passes -val (neg), inc/dec a constant in a register (mov).
 * xchg_relaxed = swp + 3 nops, or prfm/ldxr/stxr/cbnz (cmpxchg.h alternative); cmpxchg_relaxed is
 * reached through {@code system_uses_lse_atomics()} (a patched nop or branch) then cas, or
 * prfm/ldxr/eor/cbnz/stxr/cbnz; try_cmpxchg is the generic wrapper: cmpxchg + cmp + cset.
 * <br>The LSE store-only forms (stadd/stclr/stset) cost ATOMIC_FAR when {@code arm64.atomicsFar} is
 * true (default, Arm Ltd cores execute them far), else ATOMIC_NEAR; ldadd/swp cost ATOMIC_NEAR, cas
 * costs CAS.
 *
 * <p>LOCAL_MAP {@code this_cpu_*} (seed series): no preempt handling; the address is ptr +
 * __per_cpu_local_off, a boot-time variable (it depends on pcpu_base_addr) read with adrp + ldr,
 * then add; then the same single LSE instruction (with its padding) or LL/SC loop. read/write are
 * a plain ldr/str on the alias.
 *
 * <p>{@code __this_cpu_*} / {@code raw_cpu_*}: arm64 defines none, so asm-generic raw_cpu_generic_*
 * apply: address formation then plain C (ldr, op, str; no atomics, no protection). In LOCAL_MAP the
 * address uses the alias when {@code percpu.localForms} resolves to all, else TPIDR (the default
 * for {@code arm64.localOffset=load}, where the alias is dearer).
 *
 * <p><b>Preemption model</b> ({@link PreemptModel}, include/linux/preempt.h): PREEMPT_COUNT=n makes
 * preempt_disable/enable_notrace barrier() only, so the baseline {@code this_cpu_*} is the offset,
 * the op and nothing else; PREEMPT_COUNT=y without PREEMPTION makes the enable a plain
 * {@code __preempt_count_dec()} (ldr, sub, str of the 32-bit count; no resched test).
 * CONFIG_DEBUG_PREEMPT adds the {@code __this_cpu_preempt_check} call to {@code __this_cpu_*}
 * (percpu-defs.h; lib/smp_processor_id.c check_preemption_disabled fast path: load the count,
 * return when non-zero): bl + mrs sp_el0 + ldr + cbnz.
 *
 * <p><b>{@code arm64.localOffset}</b>: load = {@code adrp; ldr; add} of the boot-time variable;
 * immediate = the constant patched into the text at boot ({@code alternative_cb}, the pattern of
 * kvm_get_kimage_voffset: movz + 3 movk, then add). A link-time constant is impossible with KASLR:
 * percpu pointers are relative to {@code __per_cpu_start}, which moves with the randomised image,
 * while the local area does not, so the offset is only known at boot.
 *
 * <p><b>The other accesses</b> ({@code percpu.access}, this_cpu_* form; {@code __this_cpu_*} and
 * {@code raw_cpu_*} keep the offset sequence, their caller already excludes preemption):
 * <ul>
 *   <li>private-page (Laight, lore 20260528093635.314ebf58@pumpkin): preempt_count lives in a
 *       CPU-private page at a fixed VA reachable with adrp (a per-CPU table entry near the image).
 *       Being per CPU, it folds need_resched x86-style (set only by its own CPU), so the enable is
 *       ldr, sub, str, cbz with no re-read; the offset stays in TPIDR (cheaper than a load; the
 *       page holds it too, for architectures without such a register). The count's loads and
 *       stores are PRIVATE_* micro-ops: core translates them at the page's fixed VA through the
 *       CPU's TLB and its own tables (the page is simulated, {@code CpuPrivatePage}).
 *   <li>marker-fixup (Carstens' s390 series generalised, lore 20260317195436.2276810-1-hca): arm64
 *       has no lowcore, so the marker byte lives in thread_info (sp_el0): mov + strb before the
 *       offset is formed, strb wzr after the op; no preempt handling. The exception-return fixup
 *       is executed by core (MicroOp.Effect#MARKER_SET).
 *   <li>restart (Zijlstra's in-kernel rseq RFC, 20260223163843.GR1282955@noisy): store the region
 *       descriptor into the task (adr + str), form the address, the plain raw op whose final store
 *       commits, clear the descriptor. An interrupted region restarts, so no atomic is needed.
 *   <li>segment: one hypothetical TPIDR-relative instruction per op (x86's {@code %gs:} forms:
 *       add/sub/inc/dec/and/or and cmpxchg/xchg one RMW, add_return xadd + add, try_cmpxchg
 *       cmpxchg + sete); an upper bound, not an arm64 instruction.
 * </ul>
 */
public final class Arm64OpSequences implements OpSequences {

  private static final int[] SIZES = {1, 2, 4, 8};

  private final MicroOp[][][][][] table;
  private final boolean lse;
  private final boolean far;
  private final String tpidr;
  private final PreemptModel preempt;
  private final boolean immediateOffset;
  private final boolean allFormsLocal;

  /** The seed's sequences: PREEMPT_DYNAMIC, offset loaded, every form on the alias. */
  public Arm64OpSequences(boolean lse, boolean atomicsFar, boolean vhe) {
    this(lse, atomicsFar, vhe, PreemptModel.DYNAMIC, false, true);
  }

  /**
   * @param preempt the preemption model
   * @param immediateOffset {@code arm64.localOffset=immediate}
   * @param allFormsLocal {@code percpu.localForms} resolved to all
   */
  public Arm64OpSequences(boolean lse, boolean atomicsFar, boolean vhe, PreemptModel preempt,
      boolean immediateOffset, boolean allFormsLocal) {
    this.lse = lse;
    this.far = atomicsFar;
    this.tpidr = vhe ? "tpidr_el2" : "tpidr_el1";
    this.preempt = preempt;
    this.immediateOffset = immediateOffset;
    this.allFormsLocal = allFormsLocal;
    ThisCpuOp[] ops = ThisCpuOp.values();
    table = new MicroOp[ops.length][4][OpForm.values().length][OpMode.values().length][];
    for (ThisCpuOp op : ops) {
      for (int si = 0; si < 4; si++) {
        for (OpForm f : OpForm.values()) {
          for (OpMode m : OpMode.values()) {
            table[op.ordinal()][si][f.ordinal()][m.ordinal()] = build(op, SIZES[si], f, m);
          }
        }
      }
    }
  }

  @Override public MicroOp[] sequence(ThisCpuOp op, int size, OpForm form, OpMode mode) {
    int si;
    switch (size) {
      case 1: si = 0; break;
      case 2: si = 1; break;
      case 4: si = 2; break;
      case 8: si = 3; break;
      default: throw new IllegalArgumentException("this_cpu op size must be 1, 2, 4 or 8, was "
          + size);
    }
    return table[op.ordinal()][si][form.ordinal()][mode.ordinal()];
  }

  private static MicroOp op(String m, CostClass c, Effect e) {
    return new MicroOp(m, c, e);
  }

  private static MicroOp op(String m, CostClass c) {
    return new MicroOp(m, c, Effect.NONE);
  }

  private MicroOp[] build(ThisCpuOp op, int size, OpForm form, OpMode mode) {
    List<MicroOp> s = new ArrayList<>();
    String w = size == 8 ? "x" : "w";
    String sfx = size == 1 ? "b" : size == 2 ? "h" : "";
    if (form == OpForm.UNDERSCORE_THIS_CPU && preempt.debugPreempt()) {
      s.add(op("bl __this_cpu_preempt_check", CostClass.CALL));
      s.add(op("mrs x16, sp_el0", CostClass.SYSREG_READ));
      s.add(op("ldr w16, [x16, #TSK_TI_PREEMPT]", CostClass.LOAD));
      s.add(op("cbnz w16, 1f (ret)", CostClass.BRANCH));
    }
    if (form != OpForm.THIS_CPU) {
      if (mode == OpMode.SEGMENT) {
        segmentBody(s, op, w, sfx);
      } else {
        if (mode == OpMode.LOCAL_MAP && allFormsLocal) {
          localAddress(s);
        } else {
          offsetAddress(s);
        }
        plainBody(s, op, w, sfx);
      }
      return s.toArray(new MicroOp[0]);
    }
    switch (mode) {
      case BASELINE:
        preemptDisable(s);
        offsetAddress(s);
        atomicBody(s, op, w, sfx);
        preemptEnable(s);
        break;
      case LOCAL_MAP:
        localAddress(s);
        atomicBody(s, op, w, sfx);
        break;
      case PRIVATE_PAGE:
        if (preempt.preemptCount()) {
          s.add(op("adrp x1, cpu_private_page", CostClass.ALU));
          s.add(op("ldr w2, [x1, #PCP_PREEMPT_COUNT]", CostClass.LOAD, Effect.PRIVATE_LOAD));
          s.add(op("add w2, w2, #1", CostClass.ALU));
          s.add(op("str w2, [x1, #PCP_PREEMPT_COUNT]", CostClass.STORE,
              Effect.PRIVATE_PREEMPT_INC));
        }
        offsetAddress(s);
        atomicBody(s, op, w, sfx);
        if (preempt.preemptCount()) {
          s.add(op("ldr w2, [x1, #PCP_PREEMPT_COUNT]", CostClass.LOAD, Effect.PRIVATE_LOAD));
          s.add(op("sub w2, w2, #1", CostClass.ALU));
          s.add(op("str w2, [x1, #PCP_PREEMPT_COUNT]", CostClass.STORE, preempt.preemption()
              ? Effect.PRIVATE_PREEMPT_DEC_CHECK : Effect.PRIVATE_PREEMPT_DEC));
          if (preempt.preemption()) {
            s.add(op("cbz w2, preempt_schedule_notrace", CostClass.BRANCH));
          }
        }
        break;
      case MARKER_FIXUP:
        s.add(op("mrs x1, sp_el0", CostClass.SYSREG_READ));
        s.add(op("mov w2, #PCP_MARK_X0", CostClass.ALU));
        s.add(op("strb w2, [x1, #TSK_TI_PCP_MARKER]", CostClass.STORE, Effect.MARKER_SET));
        offsetAddress(s);
        atomicBody(s, op, w, sfx);
        s.add(op("strb wzr, [x1, #TSK_TI_PCP_MARKER]", CostClass.STORE, Effect.MARKER_CLEAR));
        break;
      case RESTART:
        s.add(op("mrs x1, sp_el0", CostClass.SYSREG_READ));
        s.add(op("adr x2, 1f (kseq descriptor)", CostClass.ALU));
        s.add(op("str x2, [x1, #TSK_KSEQ_CS]", CostClass.STORE, Effect.RESTART_BEGIN));
        offsetAddress(s);
        plainBody(s, op, w, sfx);
        s.add(op("str xzr, [x1, #TSK_KSEQ_CS]", CostClass.STORE, Effect.RESTART_END));
        break;
      case SEGMENT:
        segmentBody(s, op, w, sfx);
        break;
      default:
        throw new IllegalStateException("unhandled access " + mode);
    }
    return s.toArray(new MicroOp[0]);
  }

  private void offsetAddress(List<MicroOp> s) {
    s.add(op("mrs x3, " + tpidr, CostClass.SYSREG_READ, Effect.READ_OFFSET));
    s.add(op("add x0, x0, x3", CostClass.ALU, Effect.ADDR_GLOBAL));
  }

  private void localAddress(List<MicroOp> s) {
    if (immediateOffset) {
      s.add(op("movz x3, #:abs_g3:__per_cpu_local_off (patched at boot)", CostClass.ALU));
      s.add(op("movk x3, #:abs_g2_nc:__per_cpu_local_off", CostClass.ALU));
      s.add(op("movk x3, #:abs_g1_nc:__per_cpu_local_off", CostClass.ALU));
      s.add(op("movk x3, #:abs_g0_nc:__per_cpu_local_off", CostClass.ALU));
    } else {
      s.add(op("adrp x3, __per_cpu_local_off", CostClass.ALU));
      s.add(op("ldr x3, [x3, :lo12:__per_cpu_local_off]", CostClass.LOAD));
    }
    s.add(op("add x0, x0, x3", CostClass.ALU, Effect.ADDR_LOCAL));
  }

  /** preempt_disable_notrace: nothing without PREEMPT_COUNT (barrier() only). */
  private void preemptDisable(List<MicroOp> s) {
    if (!preempt.preemptCount()) {
      return;
    }
    s.add(op("mrs x1, sp_el0", CostClass.SYSREG_READ));
    s.add(op("ldr w2, [x1, #TSK_TI_PREEMPT]", CostClass.LOAD));
    s.add(op("add w2, w2, #1", CostClass.ALU));
    s.add(op("str w2, [x1, #TSK_TI_PREEMPT]", CostClass.STORE, Effect.PREEMPT_INC));
  }

  /**
   * preempt_enable_notrace: nothing without PREEMPT_COUNT; {@code __preempt_count_dec()} without
   * PREEMPTION; else the dec-and-test with its re-read.
   */
  private void preemptEnable(List<MicroOp> s) {
    if (!preempt.preemptCount()) {
      return;
    }
    if (!preempt.preemption()) {
      s.add(op("ldr w2, [x1, #TSK_TI_PREEMPT]", CostClass.LOAD));
      s.add(op("sub w2, w2, #1", CostClass.ALU));
      s.add(op("str w2, [x1, #TSK_TI_PREEMPT]", CostClass.STORE, Effect.PREEMPT_DEC));
      return;
    }
    s.add(op("ldr x2, [x1, #TSK_TI_PREEMPT]", CostClass.LOAD));
    s.add(op("sub x2, x2, #1", CostClass.ALU));
    s.add(op("str w2, [x1, #TSK_TI_PREEMPT]", CostClass.STORE, Effect.PREEMPT_DEC_CHECK));
    s.add(op("cbz x2, preempt_schedule_notrace", CostClass.BRANCH));
    s.add(op("ldr x2, [x1, #TSK_TI_PREEMPT]", CostClass.LOAD));
    s.add(op("cbz x2, preempt_schedule_notrace", CostClass.BRANCH));
  }

  /** segment: one TPIDR-relative instruction (x86 %gs: forms), plus add/sete where x86 has them. */
  private void segmentBody(List<MicroOp> s, ThisCpuOp op, String w, String sfx) {
    String at = "[" + tpidr + ":x0]";
    switch (op) {
      case READ:
        s.add(op("ldr" + sfx + " " + w + "5, " + at + " (segment)", CostClass.LOAD,
            Effect.SEG_LOAD));
        return;
      case WRITE:
        s.add(op("str" + sfx + " " + w + "4, " + at + " (segment)", CostClass.STORE,
            Effect.SEG_STORE));
        return;
      case ADD_RETURN:
        s.add(op("xadd " + at + ", " + w + "5 (segment)", CostClass.SEGMENT_RMW,
            Effect.SEG_RMW));
        s.add(op("add " + w + "5, " + w + "5, " + w + "4", CostClass.ALU));
        return;
      case TRY_CMPXCHG:
        s.add(op("cmpxchg " + at + ", " + w + "4 (segment)", CostClass.SEGMENT_RMW,
            Effect.SEG_RMW));
        s.add(op("sete w0", CostClass.ALU));
        return;
      default:
        s.add(op(op.kernelName() + " " + at + ", " + w + "4 (segment)", CostClass.SEGMENT_RMW,
            Effect.SEG_RMW));
    }
  }

  private void operand(List<MicroOp> s, ThisCpuOp op, String w) {
    switch (op) {
      case SUB: s.add(op("neg " + w + "4, " + w + "4", CostClass.ALU)); break;
      case INC: s.add(op("mov " + w + "4, #1", CostClass.ALU)); break;
      case DEC: s.add(op("mov " + w + "4, #-1", CostClass.ALU)); break;
      case AND: s.add(op("mvn " + w + "4, " + w + "4", CostClass.ALU)); break;
      default: break;
    }
  }

  private void atomicBody(List<MicroOp> s, ThisCpuOp op, String w, String sfx) {
    CostClass st = far ? CostClass.ATOMIC_FAR : CostClass.ATOMIC_NEAR;
    switch (op) {
      case READ:
        s.add(op("ldr" + sfx + " " + w + "5, [x0]", CostClass.LOAD, Effect.LOAD));
        return;
      case WRITE:
        s.add(op("str" + sfx + " " + w + "4, [x0]", CostClass.STORE, Effect.STORE));
        return;
      case ADD: case SUB: case INC: case DEC: case AND: case OR: {
        operand(s, op, w);
        String lseOp = op == ThisCpuOp.AND ? "stclr" : op == ThisCpuOp.OR ? "stset" : "stadd";
        String llOp = op == ThisCpuOp.AND ? "bic" : op == ThisCpuOp.OR ? "orr" : "add";
        if (lse) {
          s.add(op(lseOp + sfx + " " + w + "4, [x0]", st, Effect.ATOMIC_RMW));
          nops(s, 3);
        } else {
          llsc(s, llOp, w, sfx);
        }
        return;
      }
      case ADD_RETURN:
        if (lse) {
          s.add(op("ldadd" + sfx + " " + w + "4, " + w + "5, [x0]", CostClass.ATOMIC_NEAR,
              Effect.ATOMIC_RMW));
          s.add(op("add " + w + "5, " + w + "5, " + w + "4", CostClass.ALU));
          nops(s, 2);
        } else {
          llsc(s, "add", w, sfx);
        }
        return;
      case XCHG:
        if (lse) {
          s.add(op("swp" + sfx + " " + w + "4, " + w + "5, [x0]", CostClass.ATOMIC_NEAR,
              Effect.ATOMIC_RMW));
          nops(s, 3);
        } else {
          s.add(op("prfm pstl1strm, [x0]", CostClass.LOAD));
          s.add(op("ldxr" + sfx + " " + w + "5, [x0]", CostClass.LOAD_EXCLUSIVE,
              Effect.LOAD_EXCLUSIVE));
          s.add(op("stxr" + sfx + " w6, " + w + "4, [x0]", CostClass.STORE_EXCLUSIVE,
              Effect.STORE_EXCLUSIVE));
          s.add(op("cbnz w6, 1b", CostClass.BRANCH));
        }
        return;
      case CMPXCHG: case TRY_CMPXCHG:
        if (lse) {
          s.add(op("nop  // system_uses_lse_atomics()", CostClass.NOP));
          s.add(op("cas" + sfx + " " + w + "5, " + w + "4, [x0]", CostClass.CAS,
              Effect.ATOMIC_RMW));
        } else {
          s.add(op("b __ll_sc__cmpxchg_case", CostClass.BRANCH));
          s.add(op("prfm pstl1strm, [x0]", CostClass.LOAD));
          s.add(op("ldxr" + sfx + " " + w + "6, [x0]", CostClass.LOAD_EXCLUSIVE,
              Effect.LOAD_EXCLUSIVE));
          s.add(op("eor " + w + "7, " + w + "6, " + w + "5", CostClass.ALU, Effect.COMPUTE));
          s.add(op("cbnz " + w + "7, 2f", CostClass.BRANCH));
          s.add(op("stxr" + sfx + " w7, " + w + "4, [x0]", CostClass.STORE_EXCLUSIVE,
              Effect.STORE_EXCLUSIVE));
          s.add(op("cbnz w7, 1b", CostClass.BRANCH));
        }
        if (op == ThisCpuOp.TRY_CMPXCHG) {
          s.add(op("cmp " + w + "6, " + w + "5", CostClass.ALU));
          s.add(op("cset w0, eq", CostClass.ALU));
        }
        return;
      default:
        throw new IllegalStateException("unhandled op " + op);
    }
  }

  private void llsc(List<MicroOp> s, String llOp, String w, String sfx) {
    s.add(op("ldxr" + sfx + " " + w + "5, [x0]", CostClass.LOAD_EXCLUSIVE, Effect.LOAD_EXCLUSIVE));
    s.add(op(llOp + " " + w + "5, " + w + "5, " + w + "4", CostClass.ALU, Effect.COMPUTE));
    s.add(op("stxr" + sfx + " w6, " + w + "5, [x0]", CostClass.STORE_EXCLUSIVE,
        Effect.STORE_EXCLUSIVE));
    s.add(op("cbnz w6, 1b", CostClass.BRANCH));
  }

  private static void nops(List<MicroOp> s, int n) {
    for (int i = 0; i < n; i++) {
      s.add(op("nop", CostClass.NOP));
    }
  }

  /** raw_cpu_generic_*: plain C on the computed address. */
  private void plainBody(List<MicroOp> s, ThisCpuOp op, String w, String sfx) {
    String ld = "ldr" + sfx + " " + w + "5, [x0]";
    String st = "str" + sfx + " " + w + "5, [x0]";
    switch (op) {
      case READ:
        s.add(op(ld, CostClass.LOAD, Effect.LOAD));
        return;
      case WRITE:
        s.add(op("str" + sfx + " " + w + "4, [x0]", CostClass.STORE, Effect.STORE));
        return;
      case ADD: case SUB: case INC: case DEC: case AND: case OR: case ADD_RETURN: {
        s.add(op(ld, CostClass.LOAD, Effect.LOAD));
        String alu;
        switch (op) {
          case SUB: alu = "sub " + w + "5, " + w + "5, " + w + "4"; break;
          case INC: alu = "add " + w + "5, " + w + "5, #1"; break;
          case DEC: alu = "sub " + w + "5, " + w + "5, #1"; break;
          case AND: alu = "and " + w + "5, " + w + "5, " + w + "4"; break;
          case OR: alu = "orr " + w + "5, " + w + "5, " + w + "4"; break;
          default: alu = "add " + w + "5, " + w + "5, " + w + "4"; break;
        }
        s.add(op(alu, CostClass.ALU, Effect.COMPUTE));
        s.add(op(st, CostClass.STORE, Effect.STORE));
        return;
      }
      case XCHG:
        s.add(op(ld, CostClass.LOAD, Effect.LOAD));
        s.add(op("mov " + w + "6, " + w + "5", CostClass.ALU, Effect.COMPUTE));
        s.add(op("str" + sfx + " " + w + "4, [x0]", CostClass.STORE, Effect.STORE));
        return;
      case CMPXCHG: case TRY_CMPXCHG:
        s.add(op(ld, CostClass.LOAD, Effect.LOAD));
        s.add(op("cmp " + w + "5, " + w + "6", CostClass.ALU, Effect.COMPUTE));
        s.add(op("b.ne 1f", CostClass.BRANCH));
        s.add(op("str" + sfx + " " + w + "4, [x0]", CostClass.STORE, Effect.STORE));
        if (op == ThisCpuOp.TRY_CMPXCHG) {
          s.add(op("cset w0, eq", CostClass.ALU));
        }
        return;
      default:
        throw new IllegalStateException("unhandled op " + op);
    }
  }
}
