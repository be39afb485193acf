package org.percpulab.core.spi;

import java.util.List;

/**
 * Optional capability (via {@link ArchModel#capability(Class)}): what the arch's boot code maps in
 * the kernel page tables before percpu setup - the linear map at its granularity, the kernel image
 * (segments with their permissions), vmemmap for boot RAM, the fixmap tables and whatever the arch
 * keeps in them. The machine applies the list in order to swapper through the shared-kernel API, so
 * per-CPU tables copy and sync all of it. Without this capability the machine maps the linear map
 * with the largest blocks and the image as one ROX run (a minimal model).
 *
 * <p>Contract: ranges are page aligned, lie in kernel VA regions of the layout, never overlap each
 * other or the percpu local area, and MAP ranges lie in RAM. Pure: no machine state.
 */
public interface BootMappings {

  /**
   * The boot mappings in the order the kernel creates them.
   *
   * @param ramStart first byte of RAM (PHYS_OFFSET)
   * @param ramBytes bytes of RAM
   * @param imageBytes bytes of the kernel image, which sits at {@code ramStart} and is mapped at
   *     {@link VaLayout#kernelImageStart()}
   */
  List<BootMapping> mappings(long ramStart, long ramBytes, long imageBytes);
}
