package org.percpulab.arch.s390;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.config.KernelBuildKeys;
import org.percpulab.core.spi.PerCpuAreaSpec;

/**
 * s390 has no setup_per_cpu_areas() of its own, so the generic one of mm/percpu.c runs:
 * {@code pcpu_embed_first_chunk(PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE, PAGE_SIZE, NULL,
 * NULL)}: one group on node 0, atom PAGE_SIZE. Each CPU's {@code __per_cpu_offset[cpu]} is then
 * copied into its lowcore ({@code percpu_offset}, 0x3b8) when the CPU is prepared
 * (arch/s390/kernel/smp.c). No early local map.
 */
public final class S390PerCpuAreas {
  /** PERCPU_MODULE_RESERVE with CONFIG_MODULES (include/linux/percpu.h): 8 KiB. */
  public static final long PERCPU_MODULE_RESERVE = 8L << 10;
  /** PERCPU_DYNAMIC_RESERVE on 64-bit, default shift 10 (include/linux/percpu.h): 28 KiB. */
  public static final long PERCPU_DYNAMIC_RESERVE = 28L << 10;
  /**
   * Assumption: the same {@code .data..percpu} size as the other backends' default (a typical
   * distro kernel's {@code s84248}), so that workloads compare across backends. Config
   * {@code s390.percpu.staticSize}.
   */
  public static final long DEFAULT_STATIC_SIZE = 84248;
  public static final int LOCAL_DISTANCE = 10;

  private S390PerCpuAreas() { }

  /**
   * With the experimental local map active ({@link S390LocalPerCpuMap}) the page first chunk and
   * the early local map, as arm64 with the seed series: one {@code __per_cpu_local_off} must cover
   * the first and the dynamic chunks (the embed first chunk lives in the identity map).
   */
  public static PerCpuAreaSpec spec(int cpus, long staticSize, long perCpuStart,
      boolean localActive) {
    return new PerCpuAreaSpec(staticSize, PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE,
        1L << S390Geometry.PAGE_SHIFT, localActive ? PerCpuAreaSpec.FirstChunk.PAGE
            : PerCpuAreaSpec.FirstChunk.EMBED, new int[cpus],
        new int[][] {{LOCAL_DISTANCE}}, perCpuStart, localActive);
  }

  static PerCpuAreaSpec fromConfig(ConfigView config, long perCpuStart, boolean localActive) {
    int cpus = config.intOr("cpus", 4, 1, 4096);
    long staticSize = config.raw(S390Backend.KEY_STATIC_SIZE).isPresent()
        ? config.getLong(S390Backend.KEY_STATIC_SIZE) : DEFAULT_STATIC_SIZE;
    return spec(cpus, staticSize, perCpuStart, localActive).withReserves(KernelBuildKeys.moduleReserve(config),
        KernelBuildKeys.dynamicReserve(config, S390Geometry.PAGE_SHIFT));
  }
}
