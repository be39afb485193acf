package org.percpulab.core.spi;

import java.util.List;
import java.util.Optional;

/**
 * The kernel VA layout of one configuration, as the backend computes it (arm64: memory.h formulas).
 *
 * @param regions every named region, sorted by start address (unsigned)
 * @param pageOffset start of the linear map (PAGE_OFFSET)
 * @param physOffset physical address the linear map starts at (PHYS_OFFSET)
 * @param vmallocStart VMALLOC_START
 * @param vmallocEnd VMALLOC_END
 * @param kernelImageStart where the kernel image (and {@code __per_cpu_start}'s section) is linked
 */
public record VaLayout(
    List<Region> regions, long pageOffset, long physOffset, long vmallocStart, long vmallocEnd,
    long kernelImageStart) {

  public VaLayout {
    regions = List.copyOf(regions);
  }

  /** The region with that exact name. */
  public Optional<Region> region(String name) {
    for (Region r : regions) {
      if (r.name().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * This layout with region {@code name} ending at {@code cut.start()} and {@code cut} added right
   * after it (what lies between {@code cut.end()} and the region's old end stays unused);
   * VMALLOC_END follows when {@code name} is {@code "vmalloc"}. For a backend that carves an area
   * (the percpu local area, a CPU-private page's entries) off the top of a kernel region.
   */
  public VaLayout withTopCut(String name, Region cut) {
    List<Region> out = new java.util.ArrayList<>();
    for (Region x : regions) {
      if (x.name().equals(name)) {
        out.add(new Region(name, x.start(), cut.start()));
        out.add(cut);
      } else {
        out.add(x);
      }
    }
    return new VaLayout(out, pageOffset, physOffset, vmallocStart,
        name.equals("vmalloc") ? cut.start() : vmallocEnd, kernelImageStart);
  }

  /**
   * Linear-map virtual address of physical address {@code pa} (__phys_to_virt): the offset from
   * PHYS_OFFSET added to PAGE_OFFSET, so a PAGE_OFFSET aligned below the RAM size (RISC-V Sv39's is
   * 8 GiB-aligned) does not alias (arm64's {@code | PAGE_OFFSET} is the same only because its
   * PAGE_OFFSET is aligned to the whole linear map).
   */
  public long physToVirt(long pa) {
    return (pa - physOffset) + pageOffset;
  }

  /** Physical address of a linear-map virtual address (__virt_to_phys for the linear map). */
  public long virtToPhys(long va) {
    return (va - pageOffset) + physOffset;
  }
}
