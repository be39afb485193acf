package org.percpulab.mm.percpu;

import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * include/linux/percpu-defs.h {@code this_cpu_*}, {@code __this_cpu_*} and {@code raw_cpu_*} in
 * sizes 1/2/4/8, run on a simulated CPU: the backend's micro-op sequence for the machine's mode
 * (baseline: pointer + this CPU's offset; local map: pointer + {@code __per_cpu_local_off}) is
 * executed by core's {@link MicroOpExecutor} with real translation and memory. Counts instructions
 * and modelled cycles per op type. With {@code kernel.debugPreempt} (CONFIG_DEBUG_PREEMPT),
 * {@code __this_cpu_*} on a preemptible CPU is the check's failure ({@link PreemptCheckViolation}),
 * nothing executed; without it the op runs unchecked, as in a production kernel. The mode is the
 * machine's {@code percpu.access} ({@code Machine.access()}) unless a caller names another.
 * Sequences are looked up and pre-decoded ({@link MicroOpExecutor#compile}) once; the op path does
 * not allocate. The per-op-type counts are the sums of each pre-decoded sequence's own counts
 * ({@link MicroOpExecutor.Program#runs()}).
 */
public final class ThisCpuEngine {
  private static final ThisCpuOp[] OPS = ThisCpuOp.values();
  private static final OpForm[] FORMS = OpForm.values();

  private final PercpuSystem sys;
  private final MicroOpExecutor exec;
  private final OpMode mode;
  private final MicroOpExecutor.Program[] seqs;
  /** {@code seqs}' this_cpu_add_8 (the percpu counter update), one load away for {@link #add}. */
  private final MicroOpExecutor.Program add8;
  /** The machine's CPUs by id (fixed at boot). */
  private final Cpu[] cpus;
  /** CONFIG_DEBUG_PREEMPT: {@code __this_cpu_*} check for preemptible callers. */
  private final boolean debugPreempt;
  private long violations;
  private String lastViolation;

  public ThisCpuEngine(PercpuSystem sys) {
    this(sys, sys.machine().access());
  }

  public ThisCpuEngine(PercpuSystem sys, OpMode mode) {
    if (mode == OpMode.LOCAL_MAP && !sys.localMapActive()) {
      throw new IllegalArgumentException("this_cpu mode LOCAL_MAP needs percpu.localMap active");
    }
    this.sys = sys;
    this.exec = sys.machine().executor();
    this.mode = mode;
    this.debugPreempt = sys.machine().preemptModel().debugPreempt();
    this.cpus = new Cpu[sys.machine().cpus().count()];
    for (int i = 0; i < cpus.length; i++) {
      cpus[i] = sys.machine().cpu(i);
    }
    OpSequences ops = sys.machine().model().ops();
    this.seqs = new MicroOpExecutor.Program[OPS.length * FORMS.length * 4];
    for (ThisCpuOp op : OPS) {
      for (OpForm f : FORMS) {
        for (int s = 0; s < 4; s++) {
          MicroOp[] seq = ops.sequence(op, 1 << s, f, mode);
          seqs[index(op, f, 1 << s)] = seq == null ? null : exec.compile(seq);
        }
      }
    }
    this.add8 = seqs[ADD_THIS_CPU + 3];
  }

  private static final int ADD_THIS_CPU = index(ThisCpuOp.ADD, OpForm.THIS_CPU, 1);
  private static final int READ_THIS_CPU = index(ThisCpuOp.READ, OpForm.THIS_CPU, 1);

  private static int index(ThisCpuOp op, OpForm form, int size) {
    return (op.ordinal() * FORMS.length + form.ordinal()) * 4
        + Integer.numberOfTrailingZeros(size);
  }

  public OpMode mode() { return mode; }

  /**
   * Runs {@code form + op + "_" + size} on {@code cpu} for percpu pointer {@code ptr}. For cmpxchg
   * and try_cmpxchg {@code value} is the new value and {@code expected} the old one.
   *
   * @return what the kernel op returns (see {@link MicroOpExecutor#execute})
   */
  public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value,
      long expected) {
    Cpu c = cpu(cpu, size);
    if (form == OpForm.UNDERSCORE_THIS_CPU && debugPreempt && c.preemptible()) {
      throw preemptCheckFailed(cpu, op, c);
    }
    boolean cmp = op == ThisCpuOp.CMPXCHG || op == ThisCpuOp.TRY_CMPXCHG;
    return exec.execute(c, op, seqs[index(op, form, size)], ptr, cmp ? expected : value,
        cmp ? value : 0, size);
  }

  /** The CPU to run on, after the size check every form shares. */
  private Cpu cpu(int cpu, int size) {
    if (size <= 0 || size > 8 || (size & (size - 1)) != 0) {
      throw new IllegalArgumentException("this_cpu size " + size + " not allowed (1, 2, 4 or 8)");
    }
    return cpu >= 0 && cpu < cpus.length ? cpus[cpu] : sys.machine().cpu(cpu);
  }

  private PreemptCheckViolation preemptCheckFailed(int cpu, ThisCpuOp op, Cpu c) {
    violations++;
    lastViolation = String.format("BUG: using __this_cpu_%s() in preemptible [%08x] code: "
        + "task/%d", op.kernelName(), 0, c.currentTask());
    return new PreemptCheckViolation(lastViolation, cpu);
  }

  /**
   * this_cpu_add(ptr, v) in the this_cpu_ form. Its own body rather than a call of {@link #op}:
   * the op and form are constants here whether or not the JIT inlines {@code op} (the this_cpu
   * form has no preemption check).
   */
  public void add(int cpu, long ptr, int size, long v) {
    Cpu c = cpu(cpu, size);
    exec.add(c, size == 8 ? add8 : seqs[ADD_THIS_CPU + Integer.numberOfTrailingZeros(size)], ptr,
        v, size);
  }

  /** this_cpu_read (its own body, as {@link #add}). */
  public long read(int cpu, long ptr, int size) {
    Cpu c = cpu(cpu, size);
    return exec.execute(c, ThisCpuOp.READ,
        seqs[READ_THIS_CPU + Integer.numberOfTrailingZeros(size)], ptr, 0, 0, size);
  }

  /**
   * Instructions of {@code form op _size} so far (that sequence's own count; 0 for a size other
   * than 1, 2, 4, 8 or an op the backend does not supply in that form).
   */
  public long instructions(ThisCpuOp op, OpForm form, int size) {
    MicroOpExecutor.Program p = program(op, form, size);
    return p == null ? 0 : p.instructions();
  }

  /** Modelled cycles of {@code form op _size} so far (counted as the instructions are). */
  public long cycles(ThisCpuOp op, OpForm form, int size) {
    MicroOpExecutor.Program p = program(op, form, size);
    return p == null ? 0 : p.cycles();
  }

  /**
   * The micro-ops this engine runs for {@code form op _size} (a copy; null when the backend has
   * none): what a trace of the op shows.
   */
  public MicroOp[] sequence(ThisCpuOp op, OpForm form, int size) {
    MicroOpExecutor.Program p = program(op, form, size);
    return p == null ? null : p.microOps();
  }

  private MicroOpExecutor.Program program(ThisCpuOp op, OpForm form, int size) {
    return size == 1 || size == 2 || size == 4 || size == 8 ? seqs[index(op, form, size)] : null;
  }

  public long instructions(ThisCpuOp op) { return sum(op, 0); }
  public long cycles(ThisCpuOp op) { return sum(op, 1); }
  public long count(ThisCpuOp op) { return sum(op, 2); }

  /** Instructions (0), cycles (1) or runs (2) of {@code op}'s sequences in every form and size. */
  private long sum(ThisCpuOp op, int what) {
    long n = 0;
    for (OpForm f : FORMS) {
      for (int s = 0; s < 4; s++) {
        MicroOpExecutor.Program p = seqs[index(op, f, 1 << s)];
        if (p != null) {
          n += what == 0 ? p.instructions() : what == 1 ? p.cycles() : p.runs();
        }
      }
    }
    return n;
  }
  public long violations() { return violations; }
  public String lastViolation() { return lastViolation; }
}
