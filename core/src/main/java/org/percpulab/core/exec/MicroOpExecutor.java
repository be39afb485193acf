package org.percpulab.core.exec;

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
 * <p>The exclusive monitor is modelled per CPU with a coarse global store-sequence table (1024
 * slots hashed by 64-byte line): any store to the line (or a hash-colliding one) after the
 * load-exclusive makes the store-exclusive fail, as does a migration to another CPU at a preemption
 * point (the context switch's exception return clears the monitor). An interrupt handler modelled by
 * the hook breaks the monitor through its stores. Model, not hardware: false conflicts from collisions are possible, like a coarse
 * reservation granule.
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
  private PreemptionHook hook = PreemptionHook.NONE;
  private final long[] lineSeq = new long[MON_SLOTS];
  private long storeSeq;
  private final long[] monitorSeq;
  private final int[] monitorSlot;
  private long instructions;
  private long cycles;
  private long executed;
  private long lastRetries;
  private Cpu lastCpu;

  public MicroOpExecutor(Cpus cpus, PhysMem mem, CostTable costs) {
    this.cpus = cpus;
    this.mem = mem;
    CostClass[] cs = CostClass.values();
    this.cost = new long[cs.length];
    for (CostClass c : cs) {
      cost[c.ordinal()] = costs.cycles(c);
    }
    this.walkCost = costs.cycles(CostClass.WALK_LEVEL);
    this.monitorSeq = new long[cpus.count()];
    this.monitorSlot = new int[cpus.count()];
    java.util.Arrays.fill(monitorSlot, -1);
  }

  public void setPreemptionHook(PreemptionHook hook) {
    this.hook = hook == null ? PreemptionHook.NONE : hook;
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
    }

    /** Number of micro-ops. */
    public int length() { return ops.length; }

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
      default: throw new IllegalStateException("unknown effect " + e);
    }
  }

  /** Pre-decodes {@code seq} for {@link #execute(Cpu, ThisCpuOp, Program, long, long, long, int)}. */
  public Program compile(MicroOp[] seq) {
    return new Program(seq, cost);
  }

  /** Small direct-mapped cache of compiled sequences, keyed by array identity (and validated). */
  private final Program[] programCache = new Program[64];

  private Program program(MicroOp[] seq) {
    int slot = System.identityHashCode(seq) & (programCache.length - 1);
    Program p = programCache[slot];
    if (p == null || !p.matches(seq)) {
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

  /** {@link #execute(Cpu, ThisCpuOp, MicroOp[], long, long, long, int)} of a compiled sequence. */
  public long execute(Cpu cpu, ThisCpuOp op, Program prog, long ptr, long operand, long operand2,
      int size) {
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
    Cpu c = cpu;
    int n = effects.length;
    for (int i = 0; i < n; i++) {
      if (hook != PreemptionHook.NONE) {
        if (c.preemptible()) {
          Cpu to = hook.preemptionPoint(c, i);
          if (to != c) {
            c.addWork(insns, cyc);
            insns = 0;
            cyc = 0;
            monitorSlot[c.id()] = -1;
            c = to;
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
        case E_PREEMPT_INC:
          c.preemptDisable();
          break;
        case E_PREEMPT_DEC_CHECK:
          c.preemptEnableNoResched();
          if (c.preemptCount() == 0 && c.needResched() && c.irqsEnabled()) {
            Cpu to = hook.preemptionPoint(c, i + 1);
            if (to != c) {
              monitorSlot[c.id()] = -1;
              c.addWork(insns, cyc);
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
          break;
        case E_ADDR_LOCAL:
          addr = ptr + cpus.perCpuLocalOff();
          break;
        case E_LOAD: {
          loaded = mem.read(pa(c, addr, prog, i), size);
          cyc += c.lastWalkReads() * walkCost;
          lastLoad = i;
          if (op == ThisCpuOp.READ) {
            result = loaded;
          }
          break;
        }
        case E_STORE: {
          long v = computed || op == ThisCpuOp.WRITE ? newVal : compute(op, loaded, operand,
              operand2, sizeMask);
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          store(p, size, v);
          break;
        }
        case E_COMPUTE:
          newVal = compute(op, loaded, operand, operand2, sizeMask);
          computed = true;
          result = resultOf(op, loaded, newVal, operand, sizeMask);
          break;
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
          monitorSlot[c.id()] = slot;
          monitorSeq[c.id()] = lineSeq[slot];
          lastLoadEx = i;
          lastLoad = i;
          break;
        }
        case E_STORE_EXCLUSIVE: {
          long p = pa(c, addr, prog, i);
          cyc += c.lastWalkReads() * walkCost;
          int slot = monitorSlot[c.id()];
          monitorSlot[c.id()] = -1;
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
    if (hook != PreemptionHook.NONE && c.preemptible()) {
      c = hook.preemptionPoint(c, n);
    }
    c.addWork(insns, cyc);
    instructions += insns;
    cycles += cyc;
    executed++;
    lastRetries = retries;
    lastCpu = c;
    return result;
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
    lineSeq[(int) ((pa >>> 6) & (MON_SLOTS - 1))] = ++storeSeq;
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
  public long instructions() { return instructions; }

  /** Modelled cycles of all sequences so far. */
  public long cycles() { return cycles; }

  /** Number of sequences executed. */
  public long executed() { return executed; }

  /** LL/SC or CAS retries of the last sequence. */
  public long lastRetries() { return lastRetries; }

  /** The CPU the last sequence finished on (differs from the start CPU after a migration). */
  public Cpu lastCpu() { return lastCpu; }

  public Cpus cpus() { return cpus; }
}
