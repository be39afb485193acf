package org.percpulab.bench.workload;

import java.util.LinkedHashMap;
import java.util.Map;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * Count, instructions and modelled cycles of the {@code this_cpu_*} ops a run executed, per op
 * type ({@code form + op + "_" + size}, e.g. {@code this_cpu_add_8}). Primitive arrays: updated on
 * every op.
 */
public final class OpStats {
  private static final int SIZES = 4;
  private static final int N = OpForm.values().length * ThisCpuOp.values().length * SIZES;
  private final long[] count = new long[N];
  private final long[] instructions = new long[N];
  private final long[] cycles = new long[N];


  private static int index(ThisCpuOp op, OpForm form, int size) {
    return (form.ordinal() * ThisCpuOp.values().length + op.ordinal()) * SIZES
        + OpSequences.sizeIndex(size);
  }

  void record(ThisCpuOp op, OpForm form, int size, long instr, long cyc) {
    int i = index(op, form, size);
    count[i]++;
    instructions[i] += instr;
    cycles[i] += cyc;
  }

  public long totalOps() {
    long s = 0;
    for (long c : count) {
      s += c;
    }
    return s;
  }

  public long totalInstructions() {
    long s = 0;
    for (long c : instructions) {
      s += c;
    }
    return s;
  }

  public long totalCycles() {
    long s = 0;
    for (long c : cycles) {
      s += c;
    }
    return s;
  }

  /** One row per op type that ran, in enum order. */
  public Map<String, long[]> byType() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (OpForm f : OpForm.values()) {
      for (ThisCpuOp op : ThisCpuOp.values()) {
        for (int size : new int[] {1, 2, 4, 8}) {
          int i = index(op, f, size);
          if (count[i] > 0) {
            m.put(f.prefix() + op.kernelName() + "_" + size,
                new long[] {count[i], instructions[i], cycles[i]});
          }
        }
      }
    }
    return m;
  }
}
