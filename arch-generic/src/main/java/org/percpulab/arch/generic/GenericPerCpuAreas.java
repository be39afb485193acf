package org.percpulab.arch.generic;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.config.KernelBuildKeys;
import org.percpulab.core.spi.PerCpuAreaSpec;

/**
 * The generic {@code setup_per_cpu_areas()} of mm/percpu.c (used when the arch does not define
 * HAVE_SETUP_PER_CPU_AREA): {@code pcpu_embed_first_chunk(PERCPU_MODULE_RESERVE,
 * PERCPU_DYNAMIC_RESERVE, PAGE_SIZE, NULL, NULL)}, so one group (no distance function) on node 0,
 * atom PAGE_SIZE, and no early local map.
 */
public final class GenericPerCpuAreas {
  /** PERCPU_MODULE_RESERVE with CONFIG_MODULES (include/linux/percpu.h): 8 KiB. */
  public static final long PERCPU_MODULE_RESERVE = 8L << 10;
  /** PERCPU_DYNAMIC_RESERVE on 64-bit, default shift 10 (include/linux/percpu.h): 28 KiB. */
  public static final long PERCPU_DYNAMIC_RESERVE = 28L << 10;
  /**
   * Assumption: {@code .data..percpu} of a typical distro kernel, taken from a real boot log line
   * {@code percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880}. Config
   * {@code generic.percpu.staticSize}.
   */
  public static final long DEFAULT_STATIC_SIZE = 84248;
  /** LOCAL_DISTANCE (include/linux/topology.h). */
  public static final int LOCAL_DISTANCE = 10;

  private GenericPerCpuAreas() { }

  /** The spec for {@code cpus} CPUs, all on node 0. */
  public static PerCpuAreaSpec spec(int cpus, long staticSize) {
    return new PerCpuAreaSpec(staticSize, PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE,
        GenericGeometry.GEOMETRY.pageSize(), PerCpuAreaSpec.FirstChunk.EMBED, new int[cpus],
        new int[][] {{LOCAL_DISTANCE}}, GenericLayout.PER_CPU_START, false);
  }

  static PerCpuAreaSpec fromConfig(ConfigView config) {
    int cpus = config.intOr("cpus", 4, 1, 4096);
    long staticSize = config.raw(GenericBackend.KEY_STATIC_SIZE).isPresent()
        ? config.getLong(GenericBackend.KEY_STATIC_SIZE) : DEFAULT_STATIC_SIZE;
    return spec(cpus, staticSize).withReserves(KernelBuildKeys.moduleReserve(config),
        KernelBuildKeys.dynamicReserve(config, 12));
  }
}
