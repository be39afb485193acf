package org.percpulab.mm.percpu.explore;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.explore.ExploreScenario;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * The sequential specification of a percpu variable (include/linux/percpu-defs.h's promise): every
 * this_cpu op takes effect atomically, at its access, on the copy of the CPU that executed that
 * access. The explorer's executions record each op with the CPU and position of its last memory
 * micro-op; {@link #check} replays them in that order on model copies and compares the values the
 * ops returned and the copies the execution left.
 */
final class PerCpuSpec {
  private record Op(int step, int cpu, String who, ThisCpuOp op, long a, long b, long returned) {
  }

  private final String var;
  private final long[] initial;
  private final List<Op> ops = new ArrayList<>();

  PerCpuSpec(String var, long[] initial) {
    this.var = var;
    this.initial = initial.clone();
  }

  long initial(int cpu) {
    return initial[cpu];
  }

  void reset() {
    ops.clear();
  }

  /**
   * Op {@code op} by {@code who} whose access ran on {@code cpu} at {@code step}; {@code a} is the
   * operand (cmpxchg: the old value), {@code b} cmpxchg's new value.
   */
  void record(int step, int cpu, String who, ThisCpuOp op, long a, long b, long returned) {
    if (cpu >= 0) {
      ops.add(new Op(step, cpu, who, op, a, b, returned));
    }
  }

  /** Null when the returned values and {@code actual} copies match the specification. */
  ExploreScenario.Violation check(long[] actual) {
    List<Op> sorted = new ArrayList<>(ops);
    sorted.sort((x, y) -> Integer.compare(x.step, y.step));
    long[] m = initial.clone();
    StringBuilder bad = new StringBuilder();
    StringBuilder want = new StringBuilder();
    for (Op o : sorted) {
      long old = m[o.cpu];
      long nv = apply(o, old);
      m[o.cpu] = nv;
      long ret = o.op == ThisCpuOp.READ || o.op == ThisCpuOp.CMPXCHG || o.op == ThisCpuOp.XCHG
          ? old : o.op == ThisCpuOp.ADD_RETURN ? nv : o.returned;
      if (ret != o.returned) {
        bad.append(String.format("%s's %s returned %d ", o.who, o.op.kernelName(), o.returned));
        want.append(String.format("%s's %s returns %d (CPU%d's copy) ", o.who,
            o.op.kernelName(), ret, o.cpu));
      }
    }
    boolean same = true;
    for (int c = 0; c < m.length; c++) {
      same &= m[c] == actual[c];
    }
    if (same && bad.length() == 0) {
      return null;
    }
    return new ExploreScenario.Violation(bad + copies(var, actual),
        want + copies(var, m));
  }

  private static long apply(Op o, long old) {
    switch (o.op) {
      case ADD:
      case ADD_RETURN:
        return old + o.a;
      case WRITE:
      case XCHG:
        return o.a;
      case CMPXCHG:
        return old == o.a ? o.b : old;
      default:
        return old;
    }
  }

  /** {@code x@CPU0=1 x@CPU1=10}. */
  static String copies(String var, long[] v) {
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < v.length; c++) {
      if (c > 0) {
        s.append(' ');
      }
      s.append(var).append("@CPU").append(c).append('=').append(v[c]);
    }
    return s.toString();
  }
}
