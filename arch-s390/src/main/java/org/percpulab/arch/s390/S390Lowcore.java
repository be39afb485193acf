package org.percpulab.arch.s390;

/**
 * The lowcore fields the s390 backend uses (arch/s390/include/asm/lowcore.h, v6.17). The lowcore
 * is each CPU's prefix area: the prefix register maps absolute 0..8 KiB to that CPU's own lowcore,
 * so one instruction with base register 0 reads the running CPU's copy (at LOWCORE_ALT_ADDRESS
 * 0x70000 instead when the MFEATURE_LOWCORE alternative is active; same instruction count).
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

  /** {@code 0x3b8(%r0)}-style operand text for a lowcore field. */
  static String operand(int offset) {
    return "0x" + Integer.toHexString(offset) + "(%r0)";
  }
}
