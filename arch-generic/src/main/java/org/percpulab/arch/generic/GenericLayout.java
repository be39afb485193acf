package org.percpulab.arch.generic;

import java.util.List;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * The kernel VA layout of the generic backend: a model, not a real architecture (asm-generic has
 * none). The addresses are those of x86-64 with 4-level paging (Documentation/arch/x86/x86_64/mm.rst,
 * without KASLR), because that layout is well known and leaves every region in its own PGD entries:
 *
 * <pre>
 *   ffff888000000000 - ffffc87fffffffff   64 TiB  linear    direct map of all physical memory
 *   ffffc90000000000 - ffffe8ffffffffff   32 TiB  vmalloc   vmalloc/ioremap, percpu chunks
 *   ffffea0000000000 - ffffeaffffffffff    1 TiB  vmemmap   struct page array
 *   ffffffff80000000 - ffffffff9fffffff  512 MiB  kernel    kernel image (.data..percpu inside)
 *   ffffffffa0000000 - fffffffffeffffff ~1.5 GiB  modules   module mapping space
 * </pre>
 *
 * The linear map starts at physical address 0. {@code __per_cpu_start} is modelled at 32 MiB into
 * the image (an assumption; only its page alignment matters to mm/percpu.c).
 */
public final class GenericLayout {
  public static final long PAGE_OFFSET = 0xffff888000000000L;
  public static final long LINEAR_END = 0xffffc88000000000L;
  public static final long VMALLOC_START = 0xffffc90000000000L;
  public static final long VMALLOC_END = 0xffffe90000000000L;
  public static final long VMEMMAP_START = 0xffffea0000000000L;
  public static final long VMEMMAP_END = 0xffffeb0000000000L;
  public static final long KERNEL_START = 0xffffffff80000000L;
  public static final long MODULES_VADDR = 0xffffffffa0000000L;
  public static final long MODULES_END = 0xffffffffff000000L;
  public static final long PHYS_OFFSET = 0L;
  /** Link address of {@code __per_cpu_start} (assumption: 32 MiB into the image). */
  public static final long PER_CPU_START = KERNEL_START + (32L << 20);

  /** The one layout. */
  public static final VaLayout LAYOUT = new VaLayout(List.of(
      new Region("linear", PAGE_OFFSET, LINEAR_END),
      new Region("vmalloc", VMALLOC_START, VMALLOC_END),
      new Region("vmemmap", VMEMMAP_START, VMEMMAP_END),
      new Region("kernel", KERNEL_START, MODULES_VADDR),
      new Region("modules", MODULES_VADDR, MODULES_END)),
      PAGE_OFFSET, PHYS_OFFSET, VMALLOC_START, VMALLOC_END, KERNEL_START);

  /** {@link #LAYOUT} plus the experimental local area ({@link GenericLocalPerCpuMap}). */
  public static final VaLayout WITH_LOCAL_AREA = new VaLayout(List.of(
      new Region("linear", PAGE_OFFSET, LINEAR_END),
      new Region("vmalloc", VMALLOC_START, VMALLOC_END),
      GenericLocalPerCpuMap.INSTANCE.localArea(),
      new Region("vmemmap", VMEMMAP_START, VMEMMAP_END),
      new Region("kernel", KERNEL_START, MODULES_VADDR),
      new Region("modules", MODULES_VADDR, MODULES_END)),
      PAGE_OFFSET, PHYS_OFFSET, VMALLOC_START, VMALLOC_END, KERNEL_START);

  private GenericLayout() { }
}
