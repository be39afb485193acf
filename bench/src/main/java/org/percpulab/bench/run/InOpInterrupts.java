package org.percpulab.bench.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.percpulab.bench.workload.KernelEvent;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.exec.PreemptionHook;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.mm.percpu.ThisCpuEngine;

/**
 * Interrupts that land inside a this_cpu op during a workload run (the irqentry/irqexit path of
 * kernel/entry/common.c over an op in flight), so that marker-fixup's exception-return fixup and
 * restart's abort run where the workload puts them and their frequency and cost are counted. A
 * MODEL; its assumptions, named in the run output ({@link #MODEL}):
 * <ul>
 *   <li>Timer tick: {@value #HZ} Hz (CONFIG_HZ_250, kernel/Kconfig.hz's default, kept by arm64's
 *       defconfig) on a {@value #CLOCK_GHZ} GHz core (the clock Arm64Costs' cycle figures assume):
 *       one tick per {@link #TICK_CYCLES} cycles per CPU. The op cycles are a thin sample of each
 *       CPU's time, so ticks are Poisson in op time: one countdown of exponentially drawn
 *       intervals (mean {@link #TICK_CYCLES}) over every CPU's op cycles (independent per-CPU
 *       Poisson streams merge into one), decremented by each op's modelled cycles before it runs
 *       (TLB-walk cycles left out): an op of C cycles is hit with probability ~ C / TICK_CYCLES.
 *       A tick does not migrate the task inside the op (a tick-driven move to another CPU is the
 *       load balancer's, and the workload emits it as MIGRATE); it returns through the exception
 *       path, so an open restart region is aborted.
 *   <li>IPIs: every MIGRATE event of a task that changes CPU is one IPI to its source CPU (the
 *       stopper / reschedule IPI that moves a running task). It arrives at a uniformly random time;
 *       it falls inside a this_cpu op with probability = the op share of the modelled kernel time
 *       so far (op cycles / (op cycles + the rest-of-kernel cycles of {@link SysCostModel})), and
 *       the op it falls in is the task's next op after the MIGRATE: that op starts on the source
 *       CPU and the task is migrated to the destination at the interrupt (the op then finishes
 *       where the workload, and the offset baseline, run it).
 *   <li>Landing point: a uniformly chosen boundary between two micro-ops of the op (the one
 *       boundary before its instruction for a one-micro-op op). The task moves there only where
 *       the CPU is preemptible (no preempt_disable of the op or its caller, IRQs on), the op's
 *       access is still to come, and the access covers the point (inside marker-fixup's marker
 *       window or restart's region, or before the op used its CPU's offset); elsewhere the IPI is
 *       served and the migration waits for the op's end, which does not change the op.
 *   <li>Work: the executor's own paths run (the hook is installed only for sequences with a marker
 *       or a restart region; every other op of every access runs exactly as without the model, so
 *       offset, local-map, private-page and segment figures cannot change). A fixup adds the
 *       exception-return rewrite of the saved register (load of the new CPU's offset, add, store:
 *       {@link #fixupCycles}); a restart adds the store of the region's start into the saved PC
 *       ({@link #abortCycles}) and re-executes the aborted part (counted by the executor in the
 *       op cycles, and reported as rerunCycles). The handler's own work is every access's and is
 *       not counted here.
 * </ul>
 * Seeded from the run's seed: a run is reproducible. Allocation-free on the op path.
 */
public final class InOpInterrupts implements PreemptionHook {
  /** CONFIG_HZ (kernel/Kconfig.hz default HZ_250). */
  public static final int HZ = 250;
  /** Assumption: core clock in GHz. */
  public static final int CLOCK_GHZ = 3;
  /** Cycles between two ticks of one CPU. */
  public static final long TICK_CYCLES = CLOCK_GHZ * 1_000_000_000L / HZ;
  private static final long SEED_SALT = 0x1A7E_12C0_4E7B_05EDL;

  /** The model's assumptions, for the run output. */
  public static final String MODEL = "in-op interrupts (bench.run.InOpInterrupts, seeded from the "
      + "run seed): timer tick HZ=" + HZ + " at " + CLOCK_GHZ + " GHz, Poisson in op time (an op "
      + "of C cycles is hit with probability ~C/" + TICK_CYCLES + "), no migration; one IPI per "
      + "MIGRATE, inside an op with probability = op share of modelled kernel time, landing in the "
      + "task's next op and migrating it there; uniform micro-op boundary; the task moves only at "
      + "preemptible points the access covers; fixup = load+add+store, restart abort = store + "
      + "the rerun micro-ops";

  private static final ThisCpuOp[] OPS = ThisCpuOp.values();
  private static final OpForm[] FORMS = OpForm.values();

  private final ThisCpuEngine engine;
  private final MicroOpExecutor exec;
  private final Cpu[] cpus;
  private final SplittableRandom rnd;
  /** Per sequence (ThisCpuEngine's index): modelled cycles of one run, micro-op count. */
  private final long[] runCycles;
  private final int[] length;
  /** Per sequence: has a marker or a restart region (the access's own in-op path). */
  private final boolean[] exercised;
  /** Per sequence and boundary: the task may move there (caller preemptible). */
  private final boolean[][] movable;
  /** Per sequence and boundary: index of the open region's begin, or -1. */
  private final int[][] regionAt;
  /** Per sequence: prefix sums of micro-op cycles. */
  private final long[][] prefix;
  private final long fixupCost;
  private final long abortCost;

  private long countdown;
  private long opCyclesSoFar;
  private long restCyclesSoFar;
  private int pendingTask = -1;
  private int pendingFrom;
  private int pendingTo;
  /** The current event is the pending task's (its ops may take the IPI). */
  private boolean armed;

  private int landAt;
  private Cpu migrateTo;
  private boolean fired;

  private long ticksInOp;
  private long ipis;
  private long ipisInOp;
  private long migratedInOp;
  private long fixups;
  private long restarts;
  private long rerunCycles;

  public InOpInterrupts(ThisCpuEngine engine, MicroOpExecutor exec, Cpu[] cpus, CostTable costs,
      long seed) {
    this.engine = engine;
    this.exec = exec;
    this.cpus = cpus;
    this.rnd = new SplittableRandom(seed ^ SEED_SALT);
    int n = OPS.length * FORMS.length * 4;
    this.runCycles = new long[n];
    this.length = new int[n];
    this.exercised = new boolean[n];
    this.movable = new boolean[n][];
    this.regionAt = new int[n][];
    this.prefix = new long[n][];
    for (ThisCpuOp op : OPS) {
      for (OpForm f : FORMS) {
        for (int s = 0; s < 4; s++) {
          MicroOp[] seq = engine.sequence(op, f, 1 << s);
          if (seq != null) {
            analyse(index(op, f, 1 << s), seq, costs);
          }
        }
      }
    }
    this.fixupCost = costs.cycles(CostClass.LOAD) + costs.cycles(CostClass.ALU)
        + costs.cycles(CostClass.STORE);
    this.abortCost = costs.cycles(CostClass.STORE);
    this.countdown = draw();
  }

  /** ThisCpuEngine's sequence index; -1 for a size it refuses. */
  private static int index(ThisCpuOp op, OpForm form, int size) {
    if (size <= 0 || size > 8 || (size & (size - 1)) != 0) {
      return -1;
    }
    return (op.ordinal() * FORMS.length + form.ordinal()) * 4
        + Integer.numberOfTrailingZeros(size);
  }

  /** Static facts of one sequence: cycles, length, and per boundary where the task may move. */
  private void analyse(int idx, MicroOp[] seq, CostTable costs) {
    int n = seq.length;
    long[] pre = new long[n + 1];
    boolean[] mov = new boolean[n + 1];
    int[] reg = new int[n + 1];
    int depth = 0;
    boolean irqsOff = false;
    boolean marker = false;
    boolean offsetUsed = false;
    int region = -1;
    boolean own = false;
    int lastAccess = -1;
    for (int i = 0; i < n; i++) {
      if (org.percpulab.core.explore.InterleavingExplorer.touchesMemory(seq[i].effect())) {
        lastAccess = i;
      }
    }
    for (int k = 0; k <= n; k++) {
      boolean preemptible = depth == 0 && !irqsOff;
      // before its (last) access: past it the op's update is done where it started
      boolean covered = k <= lastAccess && (marker || region >= 0 || !offsetUsed);
      mov[k] = preemptible && covered;
      reg[k] = region;
      if (k == n) {
        break;
      }
      MicroOp m = seq[k];
      pre[k + 1] = pre[k] + costs.cycles(m.cost());
      switch (m.effect()) {
        case PREEMPT_INC: depth++; break;
        case PREEMPT_DEC: case PREEMPT_DEC_CHECK: depth--; break;
        case IRQ_SAVE: irqsOff = true; break;
        case IRQ_RESTORE: irqsOff = false; break;
        case MARKER_SET: marker = true; own = true; break;
        case MARKER_CLEAR: marker = false; break;
        case RESTART_BEGIN: region = k; own = true; break;
        case RESTART_END: case STORE: region = -1; break;
        case READ_OFFSET: case ADDR_GLOBAL: case ADDR_LOCAL: case SEG_LOAD: case SEG_STORE:
        case SEG_RMW:
          offsetUsed = true;
          break;
        default: break;
      }
    }
    runCycles[idx] = pre[n];
    length[idx] = n;
    exercised[idx] = own;
    movable[idx] = mov;
    regionAt[idx] = reg;
    prefix[idx] = pre;
  }

  private long draw() {
    // exponential interval with mean TICK_CYCLES (at least one cycle)
    return 1 + (long) (-Math.log(1.0 - rnd.nextDouble()) * TICK_CYCLES);
  }

  /**
   * Before an event: the rest-of-kernel cycles it adds to the modelled time, and for a MIGRATE of
   * a task that changes CPU ({@code fromCpu} = where it ran) the IPI's draw.
   */
  public void event(KernelEvent.Type type, int task, int cpu, int fromCpu, long restCycles) {
    restCyclesSoFar += restCycles;
    if (type == KernelEvent.Type.MIGRATE) {
      armed = false;
      if (task >= 0 && fromCpu >= 0 && fromCpu != cpu) {
        ipis++;
        long total = opCyclesSoFar + restCyclesSoFar;
        double share = total == 0 ? 0 : (double) opCyclesSoFar / total;
        if (rnd.nextDouble() < share) {
          pendingTask = task;
          pendingFrom = fromCpu;
          pendingTo = cpu;
        } else if (pendingTask == task) {
          pendingTask = -1;
        }
      }
      return;
    }
    armed = pendingTask >= 0 && task == pendingTask;
  }

  /** {@link ThisCpuEngine#op} with the interrupts that land in it. */
  public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value,
      long expected) {
    int idx = index(op, form, size);
    if (idx >= 0) {
      long c = runCycles[idx];
      opCyclesSoFar += c;
      boolean tick = (countdown -= c) <= 0;
      boolean ipi = armed && cpu == pendingTo;
      if (tick || ipi) {
        return interrupted(idx, tick, ipi, cpu, op, form, size, ptr, value, expected);
      }
    }
    return engine.op(cpu, op, form, size, ptr, value, expected);
  }

  private long interrupted(int idx, boolean tick, boolean ipi, int cpu, ThisCpuOp op,
      OpForm form, int size, long ptr, long value, long expected) {
    if (tick) {
      countdown += draw();
      ticksInOp++;
    }
    int from = pendingFrom;
    if (ipi) {
      ipisInOp++;
      armed = false;
      pendingTask = -1;
    }
    if (!exercised[idx] || cpu < 0 || cpu >= cpus.length) {
      // no in-op path in this access: the interrupt returns to the op, nothing else happens
      return engine.op(cpu, op, form, size, ptr, value, expected);
    }
    int n = length[idx];
    int k = n > 1 ? 1 + rnd.nextInt(n - 1) : 0;
    Cpu home = cpus[cpu];
    boolean move = ipi && movable[idx][k] && home.preemptible() && cpus[from].preemptible();
    landAt = k;
    migrateTo = move ? home : null;
    fired = false;
    long f0 = exec.markerFixups();
    long r0 = exec.restarts();
    long r;
    exec.setPreemptionHook(this);
    try {
      r = engine.op(move ? from : cpu, op, form, size, ptr, value, expected);
    } finally {
      exec.setPreemptionHook(PreemptionHook.NONE);
    }
    if (move) {
      migratedInOp++;
    }
    fixups += exec.markerFixups() - f0;
    long dr = exec.restarts() - r0;
    if (dr != 0) {
      restarts += dr;
      int begin = regionAt[idx][k];
      rerunCycles += dr * (begin >= 0 ? prefix[idx][k] - prefix[idx][begin] : 0);
    }
    return r;
  }

  @Override
  public Cpu preemptionPoint(Cpu c, int next) {
    if (fired || next != landAt) {
      return c;
    }
    fired = true;
    c.noteExceptionReturn();
    return migrateTo != null ? migrateTo : c;
  }

  @Override
  public void pinnedPoint(Cpu c, int next) {
    if (fired || next != landAt) {
      return;
    }
    fired = true;
    if (c.irqsEnabled()) {
      c.noteExceptionReturn();
    }
  }

  /** Modelled exception-return cycles of the fixups and aborts (not in the op cycles). */
  public long pathCycles() {
    return fixups * fixupCost + restarts * abortCost;
  }

  /** The run's figures (counts and cycles), for the run JSON and text. */
  public Map<String, Long> figures() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("inOpInterrupts", ticksInOp + ipisInOp);
    m.put("ticksInOp", ticksInOp);
    m.put("ipis", ipis);
    m.put("ipisInOp", ipisInOp);
    m.put("migratedInOp", migratedInOp);
    m.put("fixups", fixups);
    m.put("fixupCycles", fixups * fixupCost);
    m.put("restarts", restarts);
    m.put("restartAbortCycles", restarts * abortCost);
    m.put("rerunCycles", rerunCycles);
    m.put("pathCycles", pathCycles());
    return m;
  }
}
