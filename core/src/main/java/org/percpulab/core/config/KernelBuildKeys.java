package org.percpulab.core.config;

import java.util.List;
import org.percpulab.core.spi.ConfigKey;

/**
 * Kernel build options that change a size the percpu code uses (include/linux/percpu.h, v6.17):
 * PERCPU_MODULE_RESERVE is 8 KiB with CONFIG_MODULES, else 0; PERCPU_DYNAMIC_RESERVE is
 * {@code 28 << PERCPU_DYNAMIC_SIZE_SHIFT} on 64-bit, the shift being 10, or 12 with
 * CONFIG_RANDOM_KMALLOC_CACHES, or 13 when CONFIG_LOCKDEP is also set and pages are not 4 KiB.
 * Backends pass these to their first-chunk setup ({@code setup_per_cpu_areas}).
 */
public final class KernelBuildKeys implements ConfigKeySource {

  public static final String RANDOM_KMALLOC_CACHES = "kernel.randomKmallocCaches";
  public static final String LOCKDEP = "kernel.lockdep";
  public static final String MODULES = "kernel.modules";

  private static final List<ConfigKey> KEYS = List.of(
      ConfigKey.bool(RANDOM_KMALLOC_CACHES, false, "CONFIG_RANDOM_KMALLOC_CACHES: PERCPU_DYNAMIC"
          + "_RESERVE 28 << 12 instead of 28 << 10 (include/linux/percpu.h)"),
      ConfigKey.bool(LOCKDEP, false, "CONFIG_LOCKDEP: with random kmalloc caches and pages > 4K,"
          + " PERCPU_DYNAMIC_SIZE_SHIFT 13"),
      ConfigKey.bool(MODULES, true, "CONFIG_MODULES: PERCPU_MODULE_RESERVE 8 KiB (0 without)"));

  @Override
  public List<ConfigKey> configKeys() {
    return KEYS;
  }

  /** PERCPU_DYNAMIC_SIZE_SHIFT for this config and page shift. */
  public static int dynamicSizeShift(ConfigView c, int pageShift) {
    if (!flag(c, RANDOM_KMALLOC_CACHES, false)) {
      return 10;
    }
    return flag(c, LOCKDEP, false) && pageShift != 12 ? 13 : 12;
  }

  /** PERCPU_DYNAMIC_RESERVE (64-bit): 28 KiB by default. */
  public static long dynamicReserve(ConfigView c, int pageShift) {
    return 28L << dynamicSizeShift(c, pageShift);
  }

  /** PERCPU_MODULE_RESERVE: 8 KiB with modules, 0 without. */
  public static long moduleReserve(ConfigView c) {
    return flag(c, MODULES, true) ? 8L << 10 : 0;
  }

  private static boolean flag(ConfigView c, String key, boolean def) {
    return c.raw(key).map(v -> Boolean.parseBoolean(v.trim())).orElse(def);
  }
}
