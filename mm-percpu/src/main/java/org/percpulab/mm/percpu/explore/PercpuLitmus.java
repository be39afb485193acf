package org.percpulab.mm.percpu.explore;

import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.explore.ExploreScenario;
import org.percpulab.core.explore.TaskContext;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.ThisCpuEngine;

/**
 * Base of the percpu litmus scenarios: one dynamically allocated percpu variable {@code x}
 * (8 bytes, pcpu_alloc) on a booted machine, this_cpu ops run by mm-percpu's {@link ThisCpuEngine}
 * (the backend's sequences for the machine's access, on core's executor) with the explorer told
 * which sequence runs, and the initial copies restored before every execution.
 */
abstract class PercpuLitmus implements ExploreScenario {
  protected final PercpuSystem sys;
  protected final Machine m;
  protected final ThisCpuEngine engine;
  protected final MicroOpExecutor exec;
  /** The percpu pointer of x. */
  protected final long x;
  protected final long[] initial;
  protected final PerCpuSpec spec;

  PercpuLitmus(PercpuSystem sys, long size, long[] initial) {
    this.sys = sys;
    this.m = sys.machine();
    this.engine = new ThisCpuEngine(sys);
    this.exec = m.executor();
    this.x = sys.alloc(size, 8, false);
    this.initial = initial.clone();
    this.spec = new PerCpuSpec("x", initial);
  }

  /** The address of CPU {@code cpu}'s copy of {@code ptr + off} seen from that CPU. */
  protected long copyPa(int cpu, long off) {
    return m.cpu(cpu).translate(sys.perCpuPtr(x, cpu) + off);
  }

  /** Writes the initial copies through each CPU's global address, then flushes every TLB. */
  protected void writeInitial(long off) {
    for (int c = 0; c < initial.length; c++) {
      m.mem().write(copyPa(c, off), 8, initial[c]);
    }
    m.cpus().flushAll();
  }

  protected long[] copies(long off) {
    long[] v = new long[initial.length];
    for (int c = 0; c < v.length; c++) {
      v[c] = m.mem().read(copyPa(c, off), 8);
    }
    m.cpus().flushAll();
    return v;
  }

  @Override
  public void reset() {
    writeInitial(0);
    spec.reset();
  }

  /** The sequence the engine runs for {@code form op} (8 bytes): the machine's access. */
  protected MicroOp[] sequence(ThisCpuOp op, OpForm form) {
    return engine.sequence(op, form, 8);
  }

  /**
   * Runs {@code form op(x + off, a [, b])} on the task's CPU through the engine and records it in
   * the specification; for cmpxchg {@code a} is the old value and {@code b} the new one.
   */
  protected long thisCpu(TaskContext ctx, ThisCpuOp op, OpForm form, long off, long a, long b) {
    ctx.beginOp(sequence(op, form), form.prefix() + op.kernelName() + "(&x" + args(op, a, b)
        + ")");
    long r = engine.op(ctx.cpu().id(), op, form, 8, x + off, op == ThisCpuOp.CMPXCHG ? b : a,
        a);
    TaskContext.Access acc = ctx.endOp();
    spec.record(acc.step(), acc.cpu(), ctx.name(), op, a, b, r);
    return r;
  }

  /** Runs {@code seq} (a sequence derived from the backend's) directly on the executor. */
  protected long run(TaskContext ctx, String label, MicroOp[] seq, MicroOpExecutor.Program p,
      ThisCpuOp op, long a) {
    ctx.beginOp(seq, label);
    long r = exec.execute(ctx.cpu(), op, p, x, a, 0, 8);
    TaskContext.Access acc = ctx.endOp();
    spec.record(acc.step(), acc.cpu(), ctx.name(), op, a, 0, r);
    return r;
  }

  private static String args(ThisCpuOp op, long a, long b) {
    switch (op) {
      case READ:
        return "";
      case CMPXCHG:
        return ", " + a + ", " + b;
      default:
        return ", " + a;
    }
  }

  /** Whether the machine's this_cpu sequences form the address through the local alias. */
  protected boolean localAddressing() {
    for (MicroOp o : sequence(ThisCpuOp.READ, OpForm.THIS_CPU)) {
      if (o.effect() == MicroOp.Effect.ADDR_LOCAL) {
        return true;
      }
    }
    return false;
  }

  /** The address the machine's this_cpu ops form for {@code ptr} on {@code c}. */
  protected long formedAddress(Cpu c, long ptr) {
    return ptr + (localAddressing() ? c.perCpuLocalOff() : c.perCpuOffset());
  }

  @Override
  public Violation check() {
    return spec.check(copies(0));
  }
}
