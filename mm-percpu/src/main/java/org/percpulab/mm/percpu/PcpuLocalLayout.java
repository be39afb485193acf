package org.percpulab.mm.percpu;

import java.util.Locale;

/**
 * How the chunks' unit-sized ranges sit in the percpu local area (HAVE_LOCAL_PER_CPU_MAP); the
 * seed series does not say, so the model offers both and every figure names the one it assumes.
 *
 * <pre>
 * MIRROR: chunks where pcpu_get_vm_areas puts them (top of vmalloc, one chunk span = cpus x unit
 *         apart); the local area mirrors the W bytes below it, so a chunk's local range is its
 *         base + W. Local ranges inherit the chunk spacing: at 160 CPUs each chunk's range has a
 *         last-level table of its own in every CPU's tables ({@link PcpuLocalArea}).
 *
 *   vmalloc ... [chunk 2 | chunk 1 | first chunk ]  local area: [ l2 .. l1 .. l0 ]
 *               &lt;-------- window W ----------&gt;              &lt;------ W ------&gt;
 *
 * PACKED: a CPU-major percpu region; unit c of the chunk in slot k at region + c*stride + k*unit,
 *         so pcpu_unit_offsets[c] = c*stride for every chunk and chunk k's local range is
 *         local area start + k*unit: the live local ranges are contiguous ({@link PcpuPackedRegion}).
 * </pre>
 */
public enum PcpuLocalLayout {
  MIRROR,
  PACKED;

  /** The config spelling ({@code mirror}, {@code packed}). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
