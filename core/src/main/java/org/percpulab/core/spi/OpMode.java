package org.percpulab.core.spi;

import java.util.Locale;

/**
 * How a this_cpu op reaches its CPU's copy: the {@code percpu.access} choices (the review's rival
 * designs, shared/reference/seed-and-review.md §4 and §8). Each value names its config spelling
 * ({@link #accessName()}); a backend lists the ones it can express in
 * {@link ArchBackend#accesses()} and must throw {@link IllegalArgumentException} from
 * {@link OpSequences#sequence} for any other.
 */
public enum OpMode {
  /** Mainline: preempt protection + pointer + this CPU's offset (TPIDR_EL1, lowcore, array). */
  BASELINE("offset"),
  /** Seed series: pointer + {@code __per_cpu_local_off}, the same on every CPU; no protection. */
  LOCAL_MAP("local-map"),
  /**
   * David Laight (May 21/28 2026): per-CPU tables map one small CPU-private page at a fixed VA
   * (preempt_count, {@code current}, the offset); preempt primitives become plain accesses at a
   * constant address; percpu data keeps its global address; RMW ops keep preempt protection.
   */
  PRIVATE_PAGE("private-page"),
  /**
   * Heiko Carstens' s390 scheme (v1 Mar 17 2026) generalised: two marker stores bracket the op;
   * interrupt/exception return rewrites the base register if the task migrated after the offset
   * was added. No preempt_disable/enable.
   */
  MARKER_FIXUP("marker-fixup"),
  /**
   * Peter Zijlstra's in-kernel restartable sequence (RFC Feb 23 2026): the op runs in a region
   * that is restarted from its start when preemption, migration or an interrupt hits it before
   * the committing store.
   */
  RESTART("restart"),
  /**
   * The x86 ideal: one segment-prefixed instruction forms the address and does the access, no
   * protection at all (arch/x86/include/asm/percpu.h). An upper bound, not a real arm64/s390
   * construction.
   */
  SEGMENT("segment");

  private final String accessName;

  OpMode(String accessName) {
    this.accessName = accessName;
  }

  /** The {@code percpu.access} spelling, e.g. {@code "private-page"}. */
  public String accessName() {
    return accessName;
  }

  /** The mode for a {@code percpu.access} value, or null when it names none. */
  public static OpMode ofAccess(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (OpMode m : values()) {
      if (m.accessName.equals(n)) {
        return m;
      }
    }
    return null;
  }

  /** Every access name joined with {@code |}, in declaration order. */
  public static String allAccessNames() {
    StringBuilder sb = new StringBuilder();
    for (OpMode m : values()) {
      sb.append(sb.length() == 0 ? "" : "|").append(m.accessName);
    }
    return sb.toString();
  }
}
