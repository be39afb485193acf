package org.percpulab.core.spi;

/**
 * The {@code this_cpu_*} operations of include/linux/percpu-defs.h. {@code sub/inc/dec} are
 * {@code add} of {@code -v}, {@code 1}, {@code -1} in the kernel; they are listed so that a backend
 * can pick a different instruction for a constant operand (s390 {@code asi}, x86 {@code inc}).
 */
public enum ThisCpuOp {
  READ, WRITE, ADD, SUB, INC, DEC, AND, OR, ADD_RETURN, XCHG, CMPXCHG, TRY_CMPXCHG;

  /** Kernel spelling, e.g. {@code add_return}. */
  public String kernelName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** True for read-modify-write operations (everything except read and write). */
  public boolean isRmw() {
    return this != READ && this != WRITE;
  }
}
