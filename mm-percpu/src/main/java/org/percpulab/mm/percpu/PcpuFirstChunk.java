package org.percpulab.mm.percpu;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.PerCpuAreaSpec;

/**
 * mm/percpu.c pcpu_embed_first_chunk and pcpu_page_first_chunk (the address-space decisions and
 * boot messages; the copying of .data..percpu is not modelled), and the generic / arch_numa.c
 * setup_per_cpu_areas that calls them and fills {@code __per_cpu_offset[]}.
 */
public final class PcpuFirstChunk {
  private PcpuFirstChunk() {}

  /** Where the machine puts a group's memblock allocation (embed) on that group's node. */
  @FunctionalInterface
  public interface GroupPlacer {
    /** Linear-map VA of a block of {@code bytes} aligned to {@code align} on {@code node}. */
    long place(int group, int node, long bytes, long align);
  }

  /** Where the machine reserves the page first chunk's vm area of {@code bytes}. */
  @FunctionalInterface
  public interface AreaPlacer {
    /** Base VA of a reserved, page-aligned vmalloc-space range of {@code bytes}. */
    long place(long bytes);
  }

  /**
   * The alloc info {@link #embed} or {@link #page} builds for {@code spec}: embed passes the arch's
   * dynamic reserve and atom; page passes dyn 0 and atom PAGE_SIZE with no distance function.
   */
  public static PcpuAllocInfo allocInfo(PerCpuAreaSpec spec, long pageSize, boolean numa) {
    if (spec.firstChunk() == PerCpuAreaSpec.FirstChunk.PAGE) {
      return PcpuBuildAllocInfo.build(spec, spec.reservedSize(), 0, pageSize, pageSize, false);
    }
    return PcpuBuildAllocInfo.build(spec, spec.reservedSize(), spec.dynamicReserve(),
        spec.atomSize(), pageSize, numa);
  }

  /** Result of a first-chunk setup: the boot log lines in printing order. */
  public record Boot(PcpuAllocInfo ai, long baseAddr, List<String> log) {}

  /**
   * setup_per_cpu_areas with the embed first chunk: pcpu_build_alloc_info (with the NUMA distance
   * function when {@code numa}), one block per group from {@code placer}, base = lowest block,
   * group base_offset = block − base, then pcpu_setup_first_chunk.
   */
  public static Boot embed(PercpuAllocator pcpu, PerCpuAreaSpec spec, boolean numa,
      GroupPlacer placer) {
    long pageSize = pcpu.pageSize();
    PcpuAllocInfo ai = PcpuBuildAllocInfo.build(spec, spec.reservedSize(), spec.dynamicReserve(),
        spec.atomSize(), pageSize, numa);
    long sizeSum = ai.staticSize + ai.reservedSize + ai.dynSize;
    long[] blocks = new long[ai.nrGroups()];
    long base = -1L;
    for (int g = 0; g < ai.nrGroups(); g++) {
      PcpuAllocInfo.Group gi = ai.groups.get(g);
      int cpu = PcpuAllocInfo.NO_CPU;
      for (int i = 0; i < gi.nrUnits && cpu == PcpuAllocInfo.NO_CPU; i++) {
        cpu = gi.cpuMap[i];
      }
      blocks[g] = placer.place(g, spec.node(cpu), gi.nrUnits * ai.unitSize, ai.atomSize);
      if (Long.compareUnsigned(blocks[g], base) < 0) {
        base = blocks[g];
      }
    }
    for (int g = 0; g < ai.nrGroups(); g++) {
      ai.groups.get(g).baseOffset = blocks[g] - base;
    }
    List<String> log = new ArrayList<>();
    log.add(String.format("percpu: Embedded %d pages/cpu s%d r%d d%d u%d", sizeSum / pageSize,
        ai.staticSize, ai.reservedSize, ai.dynSize, ai.unitSize));
    log.addAll(ai.dumpLines());
    pcpu.setupFirstChunk(ai, base, spec.perCpuStart());
    return new Boot(ai, base, log);
  }

  /**
   * setup_per_cpu_areas with pcpu_page_first_chunk: alloc info with dyn 0 and atom PAGE_SIZE (one
   * group required), the first chunk at {@code vmAreaBase} in vmalloc space (the caller reserves
   * num_possible_cpus × unit_size there and maps the unit pages).
   */
  public static Boot page(PercpuAllocator pcpu, PerCpuAreaSpec spec, long vmAreaBase) {
    return page(pcpu, spec, bytes -> vmAreaBase);
  }

  /**
   * pcpu_page_first_chunk with the vm area of num_possible_cpus × unit_size reserved by
   * {@code placer} (vm_area_register_early in the kernel); the caller allocates and maps the unit
   * pages.
   */
  public static Boot page(PercpuAllocator pcpu, PerCpuAreaSpec spec, AreaPlacer placer) {
    long pageSize = pcpu.pageSize();
    PcpuAllocInfo ai = oneGroupInfo(pcpu, spec, "page");
    long vmAreaBase = placer.place(spec.cpus() * ai.unitSize);
    List<String> log = new ArrayList<>();
    long unitPages = ai.unitSize / pageSize;
    log.add(String.format("percpu: %d %dK pages/cpu s%d r%d d%d", unitPages, pageSize >> 10,
        ai.staticSize, ai.reservedSize, ai.dynSize));
    log.addAll(ai.dumpLines());
    pcpu.setupFirstChunk(ai, vmAreaBase, spec.perCpuStart());
    return new Boot(ai, vmAreaBase, log);
  }

  /**
   * The packed layout's first chunk (the model's variant of pcpu_page_first_chunk, see
   * {@link PcpuPackedRegion}): the page first chunk's alloc info with every CPU's unit moved into
   * a group of its own at {@code base_offset = cpu × stride}, so that pcpu_setup_first_chunk gives
   * {@code pcpu_unit_offsets[cpu] = cpu × stride} (the kernel allows any group base offsets; only
   * pcpu_page_first_chunk insists on one group). The first chunk sits in slot 0, at the region base
   * {@code placer} returns for {@code cpus × stride} bytes; the caller maps the unit pages.
   */
  public static Boot packed(PercpuAllocator pcpu, PerCpuAreaSpec spec, long stride,
      AreaPlacer placer) {
    long pageSize = pcpu.pageSize();
    PcpuAllocInfo ai = oneGroupInfo(pcpu, spec, "packed");
    PcpuAllocInfo.Group g0 = ai.groups.get(0);
    ai.groups.clear();
    for (int i = 0; i < g0.nrUnits; i++) {
      if (g0.cpuMap[i] == PcpuAllocInfo.NO_CPU) {
        continue;
      }
      PcpuAllocInfo.Group g = new PcpuAllocInfo.Group(1);
      g.nrUnits = 1;
      g.cpuMap[0] = g0.cpuMap[i];
      g.baseOffset = g0.cpuMap[i] * stride;
      ai.groups.add(g);
    }
    long base = placer.place(spec.cpus() * stride);
    List<String> log = new ArrayList<>();
    log.add(String.format("percpu: %d %dK pages/cpu s%d r%d d%d", ai.unitSize / pageSize,
        pageSize >> 10, ai.staticSize, ai.reservedSize, ai.dynSize));
    log.add(String.format("percpu: packed region 0x%016x-0x%016x stride 0x%x (%d slots of %d)",
        base, base + spec.cpus() * stride, stride, stride / ai.unitSize, ai.unitSize));
    log.addAll(ai.dumpLines());
    pcpu.setupFirstChunk(ai, base, spec.perCpuStart());
    return new Boot(ai, base, log);
  }

  /** The page first chunk's alloc info (dyn 0, atom PAGE_SIZE), which must have one group. */
  private static PcpuAllocInfo oneGroupInfo(PercpuAllocator pcpu, PerCpuAreaSpec spec,
      String what) {
    long pageSize = pcpu.pageSize();
    PcpuAllocInfo ai = PcpuBuildAllocInfo.build(spec, spec.reservedSize(), 0, pageSize, pageSize,
        false);
    if (ai.nrGroups() != 1) {
      throw new IllegalStateException("percpu: the " + what + " first chunk needs one group, got "
          + ai.nrGroups());
    }
    return ai;
  }
}
