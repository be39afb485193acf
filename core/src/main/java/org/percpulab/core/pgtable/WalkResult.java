package org.percpulab.core.pgtable;

import java.util.List;

/**
 * Outcome of {@link PageTableEngine#walk}: separate result and fault types, as QEMU's
 * {@code GetPhysAddrResult} / {@code ARMMMUFaultInfo}. Both carry every level read.
 */
public sealed interface WalkResult {

  /** The levels read, top first. */
  List<WalkStep> steps();

  /** The VA walked. */
  long va();

  /**
   * The VA is mapped by a leaf (page or block) at {@code level}.
   *
   * @param pa physical address of {@code va} itself (leaf output address + offset)
   * @param prot protection bits of the leaf ({@link org.percpulab.core.spi.DescriptorFormat#protOf})
   * @param leafSize bytes the leaf maps
   */
  record Translation(long va, List<WalkStep> steps, int level, long pa, long prot, long leafSize)
      implements WalkResult {
    public Translation {
      steps = List.copyOf(steps);
    }
  }

  /** Translation fault: the entry at {@code level} is not valid. */
  record Fault(long va, List<WalkStep> steps, int level) implements WalkResult {
    public Fault {
      steps = List.copyOf(steps);
    }
  }
}
