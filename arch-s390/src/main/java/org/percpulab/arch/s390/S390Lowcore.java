package org.percpulab.arch.s390;

/**
 * The lowcore fields the s390 backend uses (arch/s390/include/asm/lowcore.h, v6.17). The lowcore
 * is each CPU's prefix area: the prefix register maps absolute 0..8 KiB to that CPU's own lowcore.
 * v6.17 reaches it through {@code get_lowcore()}, an inline asm that loads the lowcore base into a
 * register ({@code lghi %rX,0}, or {@code llilh %rX,7} = LOWCORE_ALT_ADDRESS 0x70000 when the
 * MFEATURE_LOWCORE alternative is active; same count). The asm is not volatile, so the compiler
 * loads the base once per function and every lowcore field of a this_cpu sequence
 * (preempt_count, percpu_offset) is addressed off that register: {@link #GET_LOWCORE} then
 * {@code 0x3a8(%r9)}. The register number is the model's choice.
 */
public final class S390Lowcore {
  /** sizeof(struct lowcore): LC_ORDER 1, two 4 KiB pages. */
  public static final int SIZE = 8192;
  public static final int CURRENT_TASK = 0x340;
  public static final int KERNEL_ASCE = 0x388;
  public static final int USER_ASCE = 0x390;
  public static final int CPU_NR = 0x3a0;
  public static final int SOFTIRQ_PENDING = 0x3a4;
  /** s32 preempt_count with PREEMPT_NEED_RESCHED (0x80000000) folded in, inverted. */
  public static final int PREEMPT_COUNT = 0x3a8;
  public static final int SPINLOCK_LOCKVAL = 0x3ac;
  /** u64 percpu_offset = __per_cpu_offset[cpu], set in pcpu_prepare_secondary / boot. */
  public static final int PERCPU_OFFSET = 0x3b8;
  public static final int PREEMPT_NEED_RESCHED = 0x80000000;

  private S390Lowcore() { }

  /** The register holding get_lowcore() in the model's sequences. */
  static final String BASE = "%r9";
  /** get_lowcore() without the MFEATURE_LOWCORE alternative. */
  static final String GET_LOWCORE = "lghi " + BASE + ",0 (get_lowcore)";

  /** {@code 0x3b8(%r9)}-style operand text for a lowcore field off the get_lowcore() base. */
  static String operand(int offset) {
    return "0x" + Integer.toHexString(offset) + "(" + BASE + ")";
  }
}
