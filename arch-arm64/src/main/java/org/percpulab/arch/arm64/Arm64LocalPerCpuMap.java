package org.percpulab.arch.arm64;

import java.util.Optional;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.Region;

/**
 * The seed series' arm64 HAVE_LOCAL_PER_CPU_MAP hook: the local area (placement reasoning in
 * {@link Arm64Layout}) and the cpufeature check.
 *
 * <p>Refusal: with CnP (arch/arm64/kernel/cpufeature.c ARM64_HAS_CNP, TTBR_CNP_BIT = bit 0) or any
 * implementation whose SMT siblings share one TLB, a TLB entry filled by one thread through its
 * TTBR1 may be used by its sibling. With per-CPU TTBR1 tables the same local-area VA maps a
 * different CPU's unit on each thread, so a shared TLB would hand one thread its sibling's copy.
 * The local map is therefore refused when SMT siblings share a TLB, and CnP is never set on a
 * per-CPU TTBR1 ({@link #CNP_ON_PERCPU_TTBR1} = false).
 */
public final class Arm64LocalPerCpuMap implements LocalPerCpuMap {

  /** CnP is never set in TTBR1 when TTBR1 holds a per-CPU table. */
  public static final boolean CNP_ON_PERCPU_TTBR1 = false;

  private final Arm64Layout layout;

  public Arm64LocalPerCpuMap(Arm64Layout layout) {
    this.layout = layout;
  }

  @Override public Region localArea() {
    return layout.localArea();
  }

  /** Level at which the local area owns whole entries (see {@link Arm64Layout}). */
  @Override public int privateLevel() {
    return layout.localPrivateLevel;
  }

  /** Private table pages per CPU once the first chunk is mapped locally. */
  public int privateTablesPerCpuAtBoot() {
    return layout.privateTablesPerCpuAtBoot();
  }

  /** The cpufeature check core asks through {@code Arm64Backend.localMapRefusal}. */
  static Optional<String> refusal(MachineTopology t) {
    if (t.tlbSharedBySmt() && t.threadsPerCore() > 1) {
      return Optional.of("SMT siblings share a TLB (tlb.shared=smt, " + t.threadsPerCore()
          + " threads/core): a sibling could hit another CPU's local-area translation, so the "
          + "local map is refused (as with CnP)");
    }
    return Optional.empty();
  }
}
