package org.percpulab.bench.workload;

import java.util.Map;
import java.util.TreeMap;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * Test double of {@link KernelModel}: each allocation is a byte array per CPU (never one array
 * shared by the CPUs), a bump allocator hands out pointers, ops apply the kernel semantics on
 * little-endian bytes, and __this_cpu ops with preemption enabled fail as the debug check does.
 * Costs: {@code opCost} instructions and cycles per op.
 */
public final class FakeKernelModel implements KernelModel {
  private final int cpus;
  private final long opCost;
  private final TreeMap<Long, byte[][]> objects = new TreeMap<>();
  private final int[] preempt;
  private long next = 0x1000;
  private long instructions;
  private long cycles;
  public long allocs;
  public long frees;
  public long balances;
  public long failNth = -1;

  public FakeKernelModel(int cpus, long opCost) {
    this.cpus = cpus;
    this.opCost = opCost;
    this.preempt = new int[cpus];
  }

  @Override
  public int cpus() {
    return cpus;
  }

  @Override
  public long alloc(int size, int align, boolean atomic) {
    if (size <= 0 || Integer.bitCount(align) != 1) {
      throw new IllegalArgumentException("size=" + size + " align=" + align);
    }
    allocs++;
    if (allocs == failNth) {
      return 0;
    }
    long a = Math.max(align, 4);
    next = (next + a - 1) & -a;
    long p = next;
    next += size;
    objects.put(p, new byte[cpus][size]);
    return p;
  }

  @Override
  public void free(long ptr) {
    if (objects.remove(ptr) == null) {
      throw new IllegalArgumentException("free of unallocated 0x" + Long.toHexString(ptr));
    }
    frees++;
  }

  private byte[] bytes(long ptr, int cpu, int size) {
    Map.Entry<Long, byte[][]> e = objects.floorEntry(ptr);
    if (e == null || ptr + size > e.getKey() + e.getValue()[cpu].length) {
      throw new IllegalArgumentException("access outside any allocation at 0x"
          + Long.toHexString(ptr));
    }
    return e.getValue()[cpu];
  }

  private long get(long ptr, int cpu, int size) {
    byte[] b = bytes(ptr, cpu, size);
    int off = (int) (ptr - objects.floorKey(ptr));
    long v = 0;
    for (int i = size - 1; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  private void put(long ptr, int cpu, int size, long value) {
    byte[] b = bytes(ptr, cpu, size);
    int off = (int) (ptr - objects.floorKey(ptr));
    for (int i = 0; i < size; i++) {
      b[off + i] = (byte) (value >>> (8 * i));
    }
  }

  private static long mask(int size) {
    return size == 8 ? -1L : (1L << (8 * size)) - 1;
  }

  @Override
  public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value,
      long expected) {
    if (form == OpForm.UNDERSCORE_THIS_CPU && preempt[cpu] == 0) {
      throw new IllegalStateException("BUG: using __this_cpu_" + op.kernelName()
          + "() in preemptible code on CPU " + cpu);
    }
    instructions += opCost;
    cycles += opCost;
    long m = mask(size);
    long old = get(ptr, cpu, size);
    switch (op) {
      case READ:
        return old;
      case WRITE:
        put(ptr, cpu, size, value);
        return 0;
      case ADD:
        put(ptr, cpu, size, old + value);
        return 0;
      case SUB:
        put(ptr, cpu, size, old - value);
        return 0;
      case INC:
        put(ptr, cpu, size, old + 1);
        return 0;
      case DEC:
        put(ptr, cpu, size, old - 1);
        return 0;
      case AND:
        put(ptr, cpu, size, old & value);
        return 0;
      case OR:
        put(ptr, cpu, size, old | value);
        return 0;
      case ADD_RETURN:
        put(ptr, cpu, size, old + value);
        return (old + value) & m;
      case XCHG:
        put(ptr, cpu, size, value);
        return old;
      case CMPXCHG:
        if (old == (expected & m)) {
          put(ptr, cpu, size, value);
        }
        return old;
      case TRY_CMPXCHG:
        if (old == (expected & m)) {
          put(ptr, cpu, size, value);
          return 1;
        }
        return 0;
      default:
        throw new IllegalArgumentException(op.toString());
    }
  }

  @Override
  public void preemptDisable(int cpu) {
    preempt[cpu]++;
  }

  @Override
  public void preemptEnable(int cpu) {
    if (--preempt[cpu] < 0) {
      throw new IllegalStateException("preempt count underflow on CPU " + cpu);
    }
  }

  @Override
  public long read(long ptr, int cpu, int size) {
    return get(ptr, cpu, size);
  }

  @Override
  public void write(long ptr, int cpu, int size, long value) {
    put(ptr, cpu, size, value);
  }

  @Override
  public void balance() {
    balances++;
  }

  @Override
  public long opInstructions() {
    return instructions;
  }

  @Override
  public long opCycles() {
    return cycles;
  }

  @Override
  public ModelStats stats() {
    return new ModelStats(0, 0, 0, 0, objects.size() * 4096L, 0, 0, 0, 0);
  }

  public int liveObjects() {
    return objects.size();
  }

  public int preemptCount(int cpu) {
    return preempt[cpu];
  }
}
