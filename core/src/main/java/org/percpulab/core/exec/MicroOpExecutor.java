package org.percpulab.core.exec;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.cpu.Cpus;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * Executes a backend's this_cpu micro-op sequence (include/linux/percpu-defs.h ops as the arch
 * implements them) on a simulated CPU: real translation through that CPU's TLB and page table, real
 * reads and writes of PhysMem, instruction and modelled-cycle counts from the backend's
 * {@link CostTable} (a TLB miss adds {@link CostClass#WALK_LEVEL} per level read), and a
 * preemption point between micro-ops whenever the CPU is preemptible.
 *
 * <p>The exclusive monitor is modelled per CPU with a coarse table of per-line store counters (1024
 * slots hashed by 64-byte line): any store to the line (or a hash-colliding one) after the
 * load-exclusive makes the store-exclusive fail, as does a migration to another CPU at a preemption
 * point (the context switch's exception return clears the monitor). An interrupt handler modelled by
 * the hook breaks the monitor through its stores. Where the CPU is not preemptible the hook's
 * {@link PreemptionHook#pinnedPoint} is called instead, so an explorer sees every point. Model,
 * not hardware: false conflicts from collisions are possible, like a coarse reservation granule.
 *
 * <p>While no preemption hook is installed, a sequence whose shape allows it ({@link
 * Program#fused()}: protection, address formation and one access pattern) runs fused: nothing can
 * observe the points between its micro-ops, so it is executed as one translation and one
 * read-modify-write of the word, with every counter, TLB statistic and CPU state left exactly as
 * the micro-op loop leaves them ({@link #setFusion} switches this off for comparison).
 *
 * <p>No allocation on the execution path (the fault path throws {@link MicroOpFault}). Not
 * thread-safe.
 */
public final class MicroOpExecutor {
  private static final int MON_SLOTS = 1024;
  private static final int MAX_RETRIES = 1_000_000;

  private final Cpus cpus;
  private final PhysMem mem;
  private final long[] cost;
  private final long walkCost;
  /** Offset mask within a {@link PhysMem} storage block, the unit {@code residentWords} returns. */
  private final long memPageMask;
  private PreemptionHook hook = PreemptionHook.NONE;
  private boolean fusion = true;
  /** {@link #fusion} and no hook installed. */
  private boolean fuse = true;
  private final long[] lineSeq = new long[MON_SLOTS];
  /**
   * CPUs whose monitor is armed. While none is, a store need not advance {@link #lineSeq}: a
   * load-exclusive reads the line's count when it arms, so earlier stores cannot be told apart.
   */
  private int armed;
  private final long[] monitorSeq;
  private final int[] monitorSlot;
  private long lastRetries;
  private Cpu lastCpu;
  private long markerFixups;
  private long restarts;

  public MicroOpExecutor(Cpus cpus, PhysMem mem, CostTable costs) {
    this.cpus = cpus;
    this.mem = mem;
    CostClass[] cs = CostClass.values();
    this.cost = new long[cs.length];
    for (CostClass c : cs) {
      cost[c.ordinal()] = costs.cycles(c);
    }
    this.walkCost = costs.cycles(CostClass.WALK_LEVEL);
    this.memPageMask = org.percpulab.core.mem.PhysMem.BLOCK_BYTES - 1;
    this.monitorSeq = new long[cpus.count()];
    this.monitorSlot = new int[cpus.count()];
    java.util.Arrays.fill(monitorSlot, -1);
  }

  public void setPreemptionHook(PreemptionHook hook) {
    this.hook = hook == null ? PreemptionHook.NONE : hook;
    this.fuse = fusion && this.hook == PreemptionHook.NONE;
  }

  /**
   * A micro-op sequence pre-decoded for this executor: effect codes and cycle costs as primitive
   * arrays (built once per sequence, so the run loop does no pointer chasing through records and
   * enums). Holds the {@link MicroOp} references it was built from, for fault messages and to
   * detect a caller that changed its array in place.
   */
  public static final class Program {
    final MicroOp[] ops;
    final MicroOp[] source;
    final int[] effects;
    final long[] costs;
    /** For a NONE micro-op at i: end (exclusive) of the run of NONE micro-ops from i. */
    final int[] runEnd;
    /** For a NONE micro-op at i: cycles of the run from i to {@code runEnd[i]}. */
    final long[] runCost;
    /** Fused shape ({@code F_*}), {@link #F_NONE} when only the general loop may run it. */
    final int fKind;
    /** Index of the micro-op that makes the (first) access, for the fault message. */
    final int fMem;
    /** Accesses after the first (each a TLB hit on the address the first one translated). */
    final int fRepeat;
    final int fPreemptInc;
    final int fPreemptDec;
    /** An IRQ save before the access and its restore after it. */
    final boolean fIrq;
    /** Address from {@code __per_cpu_local_off} rather than the offset register. */
    final boolean fLocal;
    /** F_RW: the value is returned as a COMPUTE / store-exclusive / CAS computes it. */
    final boolean fResultOf;
    /** F_RW through the exclusive monitor (load-exclusive ... store-exclusive). */
    final boolean fMonitor;
    /**
     * Which short path {@link MicroOpExecutor#add} may take for this sequence ({@code ADD_*}): a
     * fused single-copy-atomic or load/store RMW with no exclusive monitor, no further translation
     * and a balanced preempt_count, so that a hit in the CPU's remembered block leaves nothing to
     * do but the store and the counts. One field, read once, instead of the shape fields.
     */
    final int addPath;
    /** Cycles of all micro-ops (without walks). */
    final long fCost;
    /** Number of micro-ops. */
    final int fInsns;
    /**
     * Runs that returned normally, fused and through the general loop; the instructions and cycles
     * the loop executed (including the part before a migration of a run that then faulted, as its
     * CPUs count it), and the walk cycles of the fused runs (a fused run's other work is fixed:
     * {@link #fInsns}, {@link #fCost}). One increment per fused run is all the fused path stores
     * for the per-sequence statistics.
     */
    long fusedRuns;
    long fusedWalkCycles;
    long loopRuns;
    long loopInstructions;
    long loopCycles;

    private Program(MicroOp[] seq, long[] costByClass) {
      this.source = seq;
      this.ops = seq.clone();
      int n = seq.length;
      this.effects = new int[n];
      this.costs = new long[n];
      for (int i = 0; i < n; i++) {
        effects[i] = code(seq[i].effect());
        costs[i] = costByClass[seq[i].cost().ordinal()];
      }
      this.runEnd = new int[n];
      this.runCost = new long[n];
      for (int i = n - 1; i >= 0; i--) {
        if (effects[i] == E_NONE) {
          boolean cont = i + 1 < n && effects[i + 1] == E_NONE;
          runEnd[i] = cont ? runEnd[i + 1] : i + 1;
          runCost[i] = costs[i] + (cont ? runCost[i + 1] : 0);
        }
      }
      long total = 0;
      for (int i = 0; i < n; i++) {
        total += costs[i];
      }
      this.fCost = total;
      this.fInsns = n;
      int kind = F_NONE;
      int mem = -1;
      int repeat = 0;
      int inc = 0;
      int dec = 0;
      int saves = 0;
      int restores = 0;
      int addrOps = 0;
      int computes = 0;
      boolean local = false;
      boolean offsetRead = false;
      boolean resultOf = false;
      boolean monitor = false;
      boolean ok = true;
      // phase 0: before the access; 1: a load (exclusive or not) waits for its store; 2: after
      int phase = 0;
      for (int i = 0; i < n && ok; i++) {
        int e = effects[i];
        if (e == E_NONE || e == E_READ_OFFSET || e >= E_MARKER_SET && e <= E_RESTART_END) {
          // markers and region bounds only act at preemption points, which a fused run has none of
          offsetRead |= e == E_READ_OFFSET;
          continue;
        }
        if (e >= E_SEG_LOAD && e <= E_SEG_RMW) {
          // one instruction: pointer + offset register, then the access
          ok = phase == 0;
          offsetRead = true;
          addrOps++;
          e = e == E_SEG_LOAD ? E_LOAD : e == E_SEG_STORE ? E_STORE : E_ATOMIC_RMW;
        }
        if (e == E_PREEMPT_DEC) {
          e = E_PREEMPT_DEC_CHECK;
        }
        if (phase == 1 && (e == E_PREEMPT_DEC_CHECK || e == E_IRQ_RESTORE)) {
          ok = !monitor && computes == 0;
          phase = 2;
        }
        switch (e) {
          case E_PREEMPT_INC:
            ok = phase == 0;
            inc++;
            break;
          case E_IRQ_SAVE:
            ok = phase == 0;
            saves++;
            break;
          case E_PREEMPT_DEC_CHECK:
            ok &= phase == 2;
            dec++;
            break;
          case E_IRQ_RESTORE:
            ok &= phase == 2;
            restores++;
            break;
          case E_ADDR_GLOBAL:
          case E_ADDR_LOCAL:
            ok = phase == 0 && (e == E_ADDR_LOCAL || offsetRead);
            local = e == E_ADDR_LOCAL;
            addrOps++;
            break;
          case E_COMPUTE:
            ok = phase == 1;
            computes++;
            break;
          case E_ATOMIC_RMW:
          case E_STORE:
          case E_LOAD:
          case E_LOAD_EXCLUSIVE:
            if (phase == 0) {
              mem = i;
              kind = e == E_ATOMIC_RMW ? F_RMW : e == E_STORE ? F_STORE : F_LOAD;
              monitor = e == E_LOAD_EXCLUSIVE;
              phase = kind == F_LOAD ? 1 : 2;
            } else {
              ok = phase == 1 && e == E_STORE && !monitor;
              kind = F_RW;
              resultOf = computes != 0;
              repeat = 1;
              phase = 2;
            }
            break;
          case E_STORE_EXCLUSIVE:
          case E_CAS_RETRY:
            ok = phase == 1 && monitor == (e == E_STORE_EXCLUSIVE);
            kind = F_RW;
            resultOf = true;
            repeat = 1;
            phase = 2;
            break;
          default:
            ok = false;
            break;
        }
      }
      ok &= kind != F_NONE && (phase == 2 || phase == 1 && kind == F_LOAD && !monitor
          && computes == 0) && addrOps == 1 && computes <= 1 && saves == restores && saves <= 1
          && dec <= inc;
      this.fKind = ok ? kind : F_NONE;
      this.fMem = mem;
      this.fRepeat = repeat;
      this.fPreemptInc = inc;
      this.fPreemptDec = dec;
      this.fIrq = saves == 1;
      this.fLocal = local;
      this.fResultOf = resultOf;
      this.fMonitor = monitor;
      boolean shortAdd = (fKind == F_RMW || fKind == F_RW) && !monitor && repeat == 0 && inc == dec;
      this.addPath = !shortAdd ? ADD_GENERAL
          : (local ? ADD_LOCAL : ADD_OFFSET) | (inc != 0 ? ADD_PREEMPT : 0);
    }

    /** True when, without a preemption hook, this sequence runs as one fused access. */
    public boolean fused() { return fKind != F_NONE; }

    /** Runs of this sequence that returned normally. */
    public long runs() { return fusedRuns + loopRuns; }

    /** Instructions of those runs (what they added to {@link MicroOpExecutor#instructions()}). */
    public long instructions() { return loopInstructions + fusedRuns * fInsns; }

    /** Modelled cycles of those runs (what they added to {@link MicroOpExecutor#cycles()}). */
    public long cycles() { return loopCycles + fusedRuns * fCost + fusedWalkCycles; }

    /** Number of micro-ops. */
    public int length() { return ops.length; }

    /** The micro-ops (a copy). */
    public MicroOp[] microOps() { return ops.clone(); }

    boolean matches(MicroOp[] seq) {
      if (seq != source) {
        return false;
      }
      MicroOp[] o = ops;
      if (seq.length != o.length) {
        return false;
      }
      for (int i = 0; i < o.length; i++) {
        if (seq[i] != o[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /** {@link Program#addPath}: only {@link #add}'s general body applies. */
  private static final int ADD_GENERAL = 0;
  /** The address is pointer + {@code __per_cpu_local_off}. */
  private static final int ADD_LOCAL = 1;
  /** The address is pointer + the offset register. */
  private static final int ADD_OFFSET = 2;
  /** Bit: the sequence raises and drops preempt_count (the loop checks it first; so must we). */
  private static final int ADD_PREEMPT = 4;

  private static final int F_NONE = 0;
  /** A plain load only (read). */
  private static final int F_LOAD = 1;
  /** A plain store only (write). */
  private static final int F_STORE = 2;
  /** One single-copy-atomic RMW instruction. */
  private static final int F_RMW = 3;
  /** A load, at most one COMPUTE, then a store, store-exclusive or CAS on the same address. */
  private static final int F_RW = 4;

  private static final int E_NONE = 0;
  private static final int E_PREEMPT_INC = 1;
  private static final int E_PREEMPT_DEC_CHECK = 2;
  private static final int E_IRQ_SAVE = 3;
  private static final int E_IRQ_RESTORE = 4;
  private static final int E_READ_OFFSET = 5;
  private static final int E_ADDR_GLOBAL = 6;
  private static final int E_ADDR_LOCAL = 7;
  private static final int E_LOAD = 8;
  private static final int E_STORE = 9;
  private static final int E_COMPUTE = 10;
  private static final int E_ATOMIC_RMW = 11;
  private static final int E_LOAD_EXCLUSIVE = 12;
  private static final int E_STORE_EXCLUSIVE = 13;
  private static final int E_CAS_RETRY = 14;
  private static final int E_PREEMPT_DEC = 15;
  private static final int E_MARKER_SET = 16;
  private static final int E_MARKER_CLEAR = 17;
  private static final int E_RESTART_BEGIN = 18;
  private static final int E_RESTART_END = 19;
  private static final int E_SEG_LOAD = 20;
  private static final int E_SEG_STORE = 21;
  private static final int E_SEG_RMW = 22;
  private static final int E_PRIVATE_LOAD = 23;
  private static final int E_PRIVATE_STORE = 24;
  private static final int E_PRIVATE_PREEMPT_INC = 25;
  private static final int E_PRIVATE_PREEMPT_DEC = 26;
  private static final int E_PRIVATE_PREEMPT_DEC_CHECK = 27;

  private static int code(MicroOp.Effect e) {
    switch (e) {
      case NONE: return E_NONE;
      case PREEMPT_INC: return E_PREEMPT_INC;
      case PREEMPT_DEC_CHECK: return E_PREEMPT_DEC_CHECK;
      case IRQ_SAVE: return E_IRQ_SAVE;
      case IRQ_RESTORE: return E_IRQ_RESTORE;
      case READ_OFFSET: return E_READ_OFFSET;
      case ADDR_GLOBAL: return E_ADDR_GLOBAL;
      case ADDR_LOCAL: return E_ADDR_LOCAL;
      case LOAD: return E_LOAD;
      case STORE: return E_STORE;
      case COMPUTE: return E_COMPUTE;
      case ATOMIC_RMW: return E_ATOMIC_RMW;
      case LOAD_EXCLUSIVE: return E_LOAD_EXCLUSIVE;
      case STORE_EXCLUSIVE: return E_STORE_EXCLUSIVE;
      case CAS_RETRY: return E_CAS_RETRY;
      case PREEMPT_DEC: return E_PREEMPT_DEC;
      case MARKER_SET: return E_MARKER_SET;
      case MARKER_CLEAR: return E_MARKER_CLEAR;
      case RESTART_BEGIN: return E_RESTART_BEGIN;
      case RESTART_END: return E_RESTART_END;
      case SEG_LOAD: return E_SEG_LOAD;
      case SEG_STORE: return E_SEG_STORE;
      case SEG_RMW: return E_SEG_RMW;
      case PRIVATE_LOAD: return E_PRIVATE_LOAD;
      case PRIVATE_STORE: return E_PRIVATE_STORE;
      case PRIVATE_PREEMPT_INC: return E_PRIVATE_PREEMPT_INC;
      case PRIVATE_PREEMPT_DEC: return E_PRIVATE_PREEMPT_DEC;
      case PRIVATE_PREEMPT_DEC_CHECK: return E_PRIVATE_PREEMPT_DEC_CHECK;
      default: throw new IllegalStateException("unknown effect " + e);
    }
  }

  /**
   * Pre-decodes {@code seq} for {@link #execute(Cpu, ThisCpuOp, Program, long, long, long, int)}.
   */
  public Program compile(MicroOp[] seq) {
    Program p = new Program(seq, cost);
    compiled.add(p);
    return p;
  }

  /**
   * Every {@link #compile}d program (their runs make up {@link #executed()}); callers compile a
   * sequence once and keep the program, as {@code ThisCpuEngine} does.
   */
  private final List<Program> compiled = new ArrayList<>();
  /** Runs, instructions and cycles of programs evicted from {@link #programCache}. */
  private long evictedRuns;
  private long evictedInstructions;
  private long evictedCycles;

  /** Small direct-mapped cache of compiled sequences, keyed by array identity (and validated). */
  private final Program[] programCache = new Program[64];

  private Program program(MicroOp[] seq) {
    int slot = System.identityHashCode(seq) & (programCache.length - 1);
    Program p = programCache[slot];
    if (p == null || !p.matches(seq)) {
      if (p != null) {
        evictedRuns += p.runs();
        evictedInstructions += p.instructions();
        evictedCycles += p.cycles();
      }
      p = new Program(seq, cost);
      programCache[slot] = p;
    }
    return p;
  }

  /**
   * Runs {@code seq} for {@code op} on {@code cpu}.
   *
   * @param ptr the percpu pointer (the address before the offset is added)
   * @param operand the value operand (add/sub/and/or/write/xchg value, cmpxchg old)
   * @param operand2 cmpxchg's new value (ignored otherwise)
   * @param size 1, 2, 4 or 8 bytes
   * @return the op's value: read → value; add_return → new value; xchg/cmpxchg → old value;
   *     try_cmpxchg → 1 on success else 0; others → 0. Values are zero-extended to 64 bits.
   * @throws MicroOpFault when an access hits an unmapped address
   */
  public long execute(Cpu cpu, ThisCpuOp op, MicroOp[] seq, long ptr, long operand, long operand2,
      int size) {
    return execute(cpu, op, program(seq), ptr, operand, operand2, size);
  }

  /**
   * {@link #execute(Cpu, ThisCpuOp, MicroOp[], long, long, long, int)} of a compiled sequence. The
   * work is counted in {@code prog} ({@link Program#instructions()}, {@link Program#cycles()},
   * {@link Program#runs()}: a caller's per-sequence statistics) and in the CPUs that ran it; the
   * executor's totals are the sums over its programs.
   */
  public long execute(Cpu cpu, ThisCpuOp op, Program prog, long ptr, long operand, long operand2,
      int size) {
    if (prog.fKind != F_NONE && fuse && (prog.fPreemptInc == 0 || cpu.preemptCount() >= 0)) {
      return executeFused(cpu, op, prog, ptr, operand, operand2, size);
    }
    return executeLoop(cpu, op, prog, ptr, operand, operand2, size);
  }

  /**
   * Whether a sequence {@link Program#fused() fit for fusion} runs as one access while no
   * preemption hook is installed (default true). False forces the general micro-op loop; the
   * results and every counter are the same either way (the equivalence tests compare the two).
   */
  public void setFusion(boolean on) {
    this.fusion = on;
    this.fuse = on && hook == PreemptionHook.NONE;
  }

  /**
   * A sequence with no preemption point to observe and no other CPU to interleave, run as the
   * general loop would run it, in one step: the pre-access effects, one translation of the
   * address, the access (a single-copy-atomic RMW, or a load then a store / store-exclusive / CAS
   * that finds the value and the monitor unchanged, so never retries), the remaining translations
   * counted as the TLB hits they would be, then the post-access effects. Fault and bad-address
   * exceptions leave the same state as the loop leaves.
   */
  private long executeFused(Cpu c, ThisCpuOp op, Program g, long ptr, long operand, long operand2,
      int size) {
    long va = ptr + (g.fLocal ? c.perCpuLocalOff() : c.perCpuOffset());
    long p = c.translate(va);
    if (p == Cpu.FAULT) {
      throw faulted(c, g, va);
    }
    long walk = c.lastWalkReads() * walkCost;
    long result;
    try {
      result = access(c, op, g, p, operand, operand2, size);
    } catch (RuntimeException e) {
      throw interrupted(c, g, e);
    }
    finishFused(c, g, walk);
    return result;
  }

  /**
   * {@code this_cpu_add}: {@link #execute(Cpu, ThisCpuOp, Program, long, long, long, int)} for
   * {@link ThisCpuOp#ADD}, with the fused access of an aligned 8-byte word in a resident page
   * written out (the op every percpu counter update is; no op dispatch, no size mask).
   */
  public void add(Cpu c, Program g, long ptr, long v, int size) {
    int path = g.addPath;
    if (path != ADD_GENERAL && size == 8 && fuse) {
      long va = ptr + ((path & ADD_LOCAL) != 0 ? c.perCpuLocalOff() : c.perCpuOffset());
      if ((va & 7) == 0 && ((path & ADD_PREEMPT) == 0 || c.preemptCount() >= 0)) {
        long[] b = c.translateToBlock(va, memPageMask, mem.generation());
        if (b != null) {
          // the fused run of such a sequence: one TLB hit, the word's RMW, the counts
          b[(int) ((va & memPageMask) >>> 3)] += v;
          if (armed != 0) {
            lineStored(c.blockPa() | (va & memPageMask));
          }
          c.addWork(g.fInsns, g.fCost);
          g.fusedRuns++;
          if (lastRetries != 0) {
            lastRetries = 0;
          }
          if (lastCpu != c) {
            lastCpu = c;
          }
          return;
        }
      }
    }
    addGeneral(c, g, ptr, v, size);
  }

  /** {@link #add} past its short path: any fused shape, the first access to a block, the loop. */
  private void addGeneral(Cpu c, Program g, long ptr, long v, int size) {
    int kind = g.fKind;
    if ((kind != F_RMW && kind != F_RW) || !fuse
        || (g.fPreemptInc != 0 && c.preemptCount() < 0)) {
      execute(c, ThisCpuOp.ADD, g, ptr, v, 0, size);
      return;
    }
    long va = ptr + (g.fLocal ? c.perCpuLocalOff() : c.perCpuOffset());
    boolean word = size == 8 && (va & 7) == 0;
    if (word) {
      long[] b = c.translateToBlock(va, memPageMask, mem.generation());
      if (b != null) {
        b[(int) ((va & memPageMask) >>> 3)] += v;
        if (g.fMonitor || armed != 0) {
          long p = c.blockPa() | (va & memPageMask);
          if (g.fMonitor) {
            exclusivePair(c, p);
          }
          lineStored(p);
        }
        finishFused(c, g, 0);
        return;
      }
    }
    long p = c.translate(va);
    if (p == Cpu.FAULT) {
      throw faulted(c, g, va);
    }
    long walk = c.lastWalkReads() * walkCost;
    long[] w = word ? pageWords(c, p) : null;
    if (w != null) {
      c.rememberBlock(va, p, memPageMask, mem.generation(), w);
      w[(int) ((p & memPageMask) >>> 3)] += v;
      if (g.fMonitor) {
        exclusivePair(c, p);
      }
      lineStored(p);
    } else {
      addAccess(c, g, p, v, size);
    }
    finishFused(c, g, walk);
  }

  /**
   * {@link #add}'s access when the CPU does not remember the page (or the word is not an aligned
   * 8-byte one); its own method so that {@link #add} stays small enough to inline.
   */
  private void addAccess(Cpu c, Program g, long p, long v, int size) {
    try {
      access(c, ThisCpuOp.ADD, g, p, v, 0, size);
    } catch (RuntimeException e) {
      throw interrupted(c, g, e);
    }
  }

  /**
   * What a fused run does after its access: the further translations counted as TLB hits, the net
   * preempt_count change, and the accounting ({@code walk}: cycles of the translation's walk).
   */
  private void finishFused(Cpu c, Program g, long walk) {
    if (g.fRepeat != 0) {
      c.repeatLastTranslate(g.fRepeat);
    }
    int inc = g.fPreemptInc;
    int dec = g.fPreemptDec;
    if (inc != dec) {
      c.setPreemptCount(c.preemptCount() + inc - dec);
    }
    int insns = g.fInsns;
    long cyc = g.fCost + walk;
    c.addWork(insns, cyc);
    g.fusedRuns++;
    if (walk != 0) {
      g.fusedWalkCycles += walk;
    }
    if (lastRetries != 0) {
      lastRetries = 0;
    }
    if (lastCpu != c) {
      // a reference store into this long-lived object costs a GC card-mark fence
      lastCpu = c;
    }
  }

  /**
   * A fused sequence stopped at its access: the state the loop leaves there (preempt_count raised,
   * IRQs off by the save) then the exception. IRQ save/restore and a balanced preempt
   * disable/enable leave no trace on success, so only this path applies them.
   */
  private static RuntimeException interrupted(Cpu c, Program g, RuntimeException e) {
    c.setPreemptCount(c.preemptCount() + g.fPreemptInc);
    if (g.fIrq) {
      c.setIrqsEnabled(false);
    }
    return e;
  }

  private static MicroOpFault faulted(Cpu c, Program g, long va) {
    interrupted(c, g, null);
    return new MicroOpFault(c.id(), va, g.ops[g.fMem].mnemonic());
  }

  /** The access of a fused sequence at physical {@code p}; returns the op's value. */
  private long access(Cpu c, ThisCpuOp op, Program g, long p, long operand, long operand2,
      int size) {
    int kind = g.fKind;
    long mask = size == 8 ? -1L : (1L << (size << 3)) - 1;
    long[] words = (p & (size - 1)) == 0 ? pageWords(c, p) : null;
    int wi = (int) ((p & memPageMask) >>> 3);
    int sh = (int) (p & 7) << 3;
    long loaded = kind == F_STORE ? 0 : words != null ? (words[wi] >>> sh) & mask
        : mem.read(p, size);
    if (kind == F_LOAD) {
      return op == ThisCpuOp.READ ? loaded : 0;
    }
    long nv = compute(op, loaded, operand, operand2, mask);
    if (kind == F_RMW) {
      if (nv != loaded || op != ThisCpuOp.CMPXCHG && op != ThisCpuOp.TRY_CMPXCHG) {
        storeAt(words, wi, sh, mask, p, size, nv);
      }
      return resultOf(op, loaded, nv, operand, mask);
    }
    if (g.fMonitor) {
      exclusivePair(c, p);
    }
    storeAt(words, wi, sh, mask, p, size, nv);
    return kind == F_STORE ? 0 : g.fResultOf ? resultOf(op, loaded, nv, operand, mask)
        : op == ThisCpuOp.READ ? loaded : 0;
  }

  /**
   * The resident words of the page holding {@code pa}, or null when it is not resident: the CPU's
   * remembered page while PhysMem has discarded nothing since, else PhysMem's lookup (remembered).
   */
  private long[] pageWords(Cpu c, long pa) {
    long page = pa & ~memPageMask;
    long gen = mem.generation();
    long[] w = c.wordsOf(page, gen);
    if (w == null) {
      w = mem.residentWords(pa);
      if (w != null) {
        c.rememberWords(page, gen, w);
      }
    }
    return w;
  }

  /** A store to {@code pa}: breaks the exclusive monitors armed on its line ({@link #armed}). */
  private void lineStored(long pa) {
    if (armed != 0) {
      lineSeq[(int) ((pa >>> 6) & (MON_SLOTS - 1))]++;
    }
  }

  private void arm(int id, int slot) {
    if (monitorSlot[id] < 0) {
      armed++;
    }
    monitorSlot[id] = slot;
  }

  private void disarm(int id) {
    if (monitorSlot[id] >= 0) {
      armed--;
      monitorSlot[id] = -1;
    }
  }

  /**
   * A load-exclusive of {@code pa} and a store-exclusive that finds the monitor armed: what they
   * leave in the monitor before the store.
   */
  private void exclusivePair(Cpu c, long pa) {
    int id = c.id();
    disarm(id);
    monitorSeq[id] = lineSeq[(int) ((pa >>> 6) & (MON_SLOTS - 1))];
  }

  /** {@link #store} through the resident page's words when there are any (aligned access). */
  private void storeAt(long[] words, int wi, int sh, long mask, long pa, int size, long v) {
    if (words != null) {
      words[wi] = size == 8 ? v : (words[wi] & ~(mask << sh)) | ((v << sh) & (mask << sh));
    } else {
      mem.write(pa, size, v);
    }
    lineStored(pa);
  }

  private long executeLoop(Cpu cpu, ThisCpuOp op, Program prog, long ptr, long operand,
      long operand2, int size) {
    final int[] effects = prog.effects;
    final long[] costs = prog.costs;
    final int[] runEnd = prog.runEnd;
    final long[] runCost = prog.runCost;
    long sizeMask = size == 8 ? -1L : (1L << (size << 3)) - 1;
    long offsetReg = 0;
    long addr = 0;
    long loaded = 0;
    long newVal = op == ThisCpuOp.WRITE ? operand & sizeMask : 0;
    long result = 0;
    boolean computed = false;
    boolean savedIrq = true;
    long insns = 0;
    long cyc = 0;
    int lastLoad = -1;
    int lastLoadEx = -1;
    long retries = 0;
    boolean marker = false;
    boolean addrFormed = false;
    int region = -1;
    long regionExc = 0;
    Cpu c = cpu;
    int n = effects.length;
    for (int i = 0; i < n; i++) {
      if (hook != PreemptionHook.NONE) {
        if (c.preemptible()) {
          Cpu to = hook.preemptionPoint(c, i);
          boolean migrated = to != c;
          if (migrated) {
            c.addWork(insns, cyc);
            prog.loopInstructions += insns;
            prog.loopCycles += cyc;
            insns = 0;
            cyc = 0;
            disarm(c.id());
            if (marker) {
              // the exception-return fixup: the interrupted PC tells which register holds the
              // offset (read, not yet added) or the formed address; both now use the new CPU's
              offsetReg = to.perCpuOffset();
              if (addrFormed) {
                addr += to.perCpuOffset() - c.perCpuOffset();
              }
              markerFixups++;
            }
            c = to;
          }
          if (region >= 0 && (migrated || c.exceptionReturns() != regionExc)) {
            // the region was interrupted before its commit: restart it on the CPU the task is on
            restarts++;
            computed = false;
            i = region;
          }
        } else {
          hook.pinnedPoint(c, i);
          if (region >= 0 && c.exceptionReturns() != regionExc) {
            // an interrupt at a pinned point (the caller's preempt_disable, IRQs still on): its
            // handler ran on top of the region as a signal handler runs on top of a user rseq
            // (kernel/rseq.c: rseq_ip_fixup on signal delivery), so its return aborts it too
            restarts++;
            computed = false;
            i = region;
          }
        }
      } else if (effects[i] == E_NONE) {
        // no scheduler to observe the points between them: a run of count-only micro-ops at once
        int e = runEnd[i];
        insns += e - i;
        cyc += runCost[i];
        i = e - 1;
        continue;
      }
      insns++;
      cyc += costs[i];
      switch (effects[i]) {
        case E_NONE:
          break;
        case E_PRIVATE_LOAD:
          cyc += privateAccess(c, prog, i, false, 0);
          break;
        case E_PRIVATE_STORE:
          cyc += privateAccess(c, prog, i, true, c.preemptCount());
          break;
        case E_PRIVATE_PREEMPT_INC:
          cyc += privateAccess(c, prog, i, true, c.preemptCount() + 1);
          // fall through: the stored count is the new preempt_count
        case E_PREEMPT_INC:
          c.preemptDisable();
          break;
        case E_PRIVATE_PREEMPT_DEC:
          cyc += privateAccess(c, prog, i, true, c.preemptCount() - 1);
          // fall through
        case E_PREEMPT_DEC:
          c.preemptEnableNoResched();
          break;
        case E_MARKER_SET:
          marker = true;
          break;
        case E_MARKER_CLEAR:
          marker = false;
          break;
        case E_RESTART_BEGIN:
          region = i;
          regionExc = c.exceptionReturns();
          break;
        case E_RESTART_END:
          region = -1;
          break;
        case E_PRIVATE_PREEMPT_DEC_CHECK:
          cyc += privateAccess(c, prog, i, true, c.preemptCount() - 1);
          // fall through
        case E_PREEMPT_DEC_CHECK:
          c.preemptEnableNoResched();
          if (c.preemptCount() == 0 && c.needResched() && c.irqsEnabled()) {
            Cpu to = hook.preemptionPoint(c, i + 1);
            if (to != c) {
              disarm(c.id());
              c.addWork(insns, cyc);
              prog.loopInstructions += insns;
              prog.loopCycles += cyc;
              insns = 0;
              cyc = 0;
              c = to;
            }
          }
          break;
        case E_IRQ_SAVE:
          savedIrq = c.irqsEnabled();
          c.setIrqsEnabled(false);
          break;
        case E_IRQ_RESTORE:
          c.setIrqsEnabled(savedIrq);
          break;
        case E_READ_OFFSET:
          offsetReg = c.perCpuOffset();
          break;
        case E_ADDR_GLOBAL:
          addr = ptr + offsetReg;
          addrFormed = true;
          break;
        case E_ADDR_LOCAL:
          addr = ptr + c.perCpuLocalOff();
          break;
        case E_SEG_LOAD:
          addr = ptr + c.perCpuOffset();
          // fall through: the same instruction loads
        case E_LOAD: {
          loaded = mem.read(pa(c, addr, prog, i), size);
          cyc += c.lastWalkReads() * walkCost;
          lastLoad = i;
          if (op == ThisCpuOp.READ) {
            result = loaded;
          }
          break;
        }
        case E_SEG_STORE:
          addr = ptr + c.perCpuOffset();
          // fall through: the same instruction stores
        case E_STORE: {
          long v = computed || op == ThisCpuOp.WRITE ? newVal : compute(op, loaded, operand,
              operand2, sizeMask);
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          store(p, size, v);
          // the store is a restart region's commit: past it the region no longer restarts (rseq's
          // abort covers [start, post_commit_ip) only; clearing the descriptor comes later)
          region = -1;
          break;
        }
        case E_COMPUTE:
          newVal = compute(op, loaded, operand, operand2, sizeMask);
          computed = true;
          result = resultOf(op, loaded, newVal, operand, sizeMask);
          break;
        case E_SEG_RMW:
          addr = ptr + c.perCpuOffset();
          // fall through: the same instruction does the read-modify-write
        case E_ATOMIC_RMW: {
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          loaded = mem.read(p, size);
          newVal = compute(op, loaded, operand, operand2, sizeMask);
          if (newVal != loaded || op != ThisCpuOp.CMPXCHG && op != ThisCpuOp.TRY_CMPXCHG) {
            store(p, size, newVal);
          }
          result = resultOf(op, loaded, newVal, operand, sizeMask);
          break;
        }
        case E_LOAD_EXCLUSIVE: {
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          loaded = mem.read(p, size);
          int slot = (int) ((p >>> 6) & (MON_SLOTS - 1));
          arm(c.id(), slot);
          monitorSeq[c.id()] = lineSeq[slot];
          lastLoadEx = i;
          lastLoad = i;
          break;
        }
        case E_STORE_EXCLUSIVE: {
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          int slot = monitorSlot[c.id()];
          disarm(c.id());
          if (slot >= 0 && lineSeq[slot] == monitorSeq[c.id()]) {
            long v = computed ? newVal : compute(op, loaded, operand, operand2, sizeMask);
            if (!computed) {
              result = resultOf(op, loaded, v, operand, sizeMask);
            }
            store(p, size, v);
          } else if (lastLoadEx >= 0 && ++retries < MAX_RETRIES) {
            computed = false;
            i = lastLoadEx - 1;
          }
          break;
        }
        case E_CAS_RETRY: {
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          long cur = mem.read(p, size);
          if (cur == loaded) {
            long v = computed ? newVal : compute(op, loaded, operand, operand2, sizeMask);
            if (!computed) {
              result = resultOf(op, loaded, v, operand, sizeMask);
            }
            store(p, size, v);
          } else if (lastLoad >= 0 && ++retries < MAX_RETRIES) {
            computed = false;
            i = lastLoad - 1;
          }
          break;
        }
        default:
          throw new IllegalStateException("unknown effect " + prog.ops[i].effect());
      }
    }
    if (hook != PreemptionHook.NONE) {
      if (c.preemptible()) {
        c = hook.preemptionPoint(c, n);
      } else {
        hook.pinnedPoint(c, n);
      }
    }
    c.addWork(insns, cyc);
    prog.loopInstructions += insns;
    prog.loopCycles += cyc;
    prog.loopRuns++;
    lastRetries = retries;
    if (lastCpu != c) {
      // a reference store into this long-lived object costs a GC card-mark fence
      lastCpu = c;
    }
    return result;
  }

  /**
   * A 32-bit load or store of the preempt_count word of {@code c}'s CPU-private page
   * ({@link Cpu#privatePageVa()}) through its TLB and tables; returns the walk cycles.
   */
  private long privateAccess(Cpu c, Program prog, int i, boolean store, long count) {
    long va = c.privatePageVa();
    if (va == 0) {
      throw new IllegalStateException("CPU " + c.id() + " has no CPU-private page (boot with "
          + "percpu.access=private-page): " + prog.ops[i].mnemonic());
    }
    long p = pa(c, va, prog, i);
    if (store) {
      mem.write(p, 4, count & 0xffff_ffffL);
    } else {
      mem.read(p, 4);
    }
    return c.lastWalkReads() * walkCost;
  }

  private long pa(Cpu c, long va, Program prog, int i) {
    long p = c.translate(va);
    if (p == Cpu.FAULT) {
      throw new MicroOpFault(c.id(), va, prog.ops[i].mnemonic());
    }
    return p;
  }

  private void store(long pa, int size, long v) {
    mem.write(pa, size, v);
    lineStored(pa);
  }

  private static long compute(ThisCpuOp op, long old, long a, long b, long mask) {
    switch (op) {
      case ADD:
      case ADD_RETURN:
        return (old + a) & mask;
      case SUB:
        return (old - a) & mask;
      case INC:
        return (old + 1) & mask;
      case DEC:
        return (old - 1) & mask;
      case AND:
        return old & a & mask;
      case OR:
        return (old | a) & mask;
      case XCHG:
      case WRITE:
        return a & mask;
      case CMPXCHG:
      case TRY_CMPXCHG:
        return old == (a & mask) ? b & mask : old;
      case READ:
      default:
        return old;
    }
  }

  private static long resultOf(ThisCpuOp op, long old, long nv, long a, long mask) {
    switch (op) {
      case READ:
      case XCHG:
      case CMPXCHG:
        return old;
      case ADD_RETURN:
        return nv;
      case TRY_CMPXCHG:
        return old == (a & mask) ? 1 : 0;
      default:
        return 0;
    }
  }

  /** Instructions executed by all sequences so far. */
  public long instructions() { return total(0) + evictedInstructions; }

  /** Modelled cycles of all sequences so far. */
  public long cycles() { return total(1) + evictedCycles; }

  /** Number of sequences executed (that returned normally). */
  public long executed() { return total(2) + evictedRuns; }

  /**
   * Instructions (0), cycles (1) or runs (2) of every program, compiled or cached: the totals are
   * sums, so the op path stores nothing but its program's run count and its CPU's counters.
   */
  private long total(int what) {
    long n = 0;
    for (Program p : compiled) {
      n += what == 0 ? p.instructions() : what == 1 ? p.cycles() : p.runs();
    }
    for (Program p : programCache) {
      if (p != null) {
        n += what == 0 ? p.instructions() : what == 1 ? p.cycles() : p.runs();
      }
    }
    return n;
  }

  /**
   * marker-fixup: exception-return fixups so far (a migration inside a marked region rewrote the
   * offset/address registers for the new CPU).
   */
  public long markerFixups() { return markerFixups; }

  /** restart: restartable regions aborted and restarted so far. */
  public long restarts() { return restarts; }

  /** LL/SC or CAS retries of the last sequence. */
  public long lastRetries() { return lastRetries; }

  /** The CPU the last sequence finished on (differs from the start CPU after a migration). */
  public Cpu lastCpu() { return lastCpu; }

  public Cpus cpus() { return cpus; }
}
