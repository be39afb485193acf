package org.percpulab.core.kconfig;

import java.util.List;
import org.percpulab.core.config.KernelBuildKeys;
import org.percpulab.core.spi.KconfigMapping;
import org.percpulab.core.spi.KconfigRule;

/**
 * Core's {@code .config} table: the architecture-independent symbols the model reads (init/Kconfig,
 * kernel/Kconfig.preempt, lib/Kconfig.debug, mm/Kconfig, lib/Kconfig.kasan). Some targets belong to
 * keys other modules register ({@code kernel.preempt}, {@code kernel.nrCpus}, ...); where this
 * build does not register one, {@link Kconfig} reports the value as "not modelled by this build".
 */
public final class CoreKconfig implements KconfigMapping {

  /** The key kernel/Kconfig.preempt's choice maps onto. */
  public static final String PREEMPT = "kernel.preempt";
  public static final String DEBUG_PREEMPT = "kernel.debugPreempt";
  public static final String DEBUG_ATOMIC_SLEEP = "kernel.debugAtomicSleep";
  public static final String NR_CPUS = "kernel.nrCpus";
  public static final String MEMCG = "kernel.memcg";

  private static final List<KconfigRule> RULES = List.of(
      KconfigRule.number("CONFIG_NR_CPUS", NR_CPUS, "NR_CPUS: the build's CPU limit, >= cpus"),
      preempt(),
      KconfigRule.bool("CONFIG_DEBUG_PREEMPT", DEBUG_PREEMPT,
          "check_preemption_disabled() on every __this_cpu_*/smp_processor_id()"),
      KconfigRule.bool("CONFIG_DEBUG_ATOMIC_SLEEP", DEBUG_ATOMIC_SLEEP,
          "selects PREEMPT_COUNT: preempt_count exists even without preemption"),
      KconfigRule.bool("CONFIG_MEMCG", MEMCG, "memory cgroups: memcg percpu objects and charges"),
      KconfigRule.bool("CONFIG_RANDOM_KMALLOC_CACHES", KernelBuildKeys.RANDOM_KMALLOC_CACHES,
          "PERCPU_DYNAMIC_SIZE_SHIFT 12 (13 with LOCKDEP on pages > 4K): PERCPU_DYNAMIC_RESERVE"
              + " 28 << shift, include/linux/percpu.h"),
      KconfigRule.bool("CONFIG_LOCKDEP", KernelBuildKeys.LOCKDEP,
          "with RANDOM_KMALLOC_CACHES and pages > 4K: PERCPU_DYNAMIC_SIZE_SHIFT 13"),
      KconfigRule.bool("CONFIG_MODULES", KernelBuildKeys.MODULES,
          "PERCPU_MODULE_RESERVE 8 KiB with modules, 0 without (include/linux/percpu.h)"),
      KconfigRule.unsupported("CONFIG_KASAN", "KASAN shadow memory is not modelled (no shadow"
          + " region in the VA layout, no shadow page tables for vmalloc/percpu areas with"
          + " KASAN_VMALLOC, no instrumented accesses); figures assume KASAN off"));

  @Override
  public String archSymbol() {
    return "";
  }

  @Override
  public List<KconfigRule> kconfigRules() {
    return RULES;
  }

  /**
   * kernel/Kconfig.preempt: the PREEMPT_DYNAMIC build (the mode chosen at boot, default
   * "preempt=" from the choice) wins, then PREEMPT_RT (this_cpu ops as full preemption; RT locks
   * not modelled), LAZY, full, VOLUNTARY, NONE.
   */
  private static KconfigRule preempt() {
    String[][] order = {
        {"CONFIG_PREEMPT_DYNAMIC", "dynamic", "PREEMPT_DYNAMIC: mode chosen at boot"},
        {"CONFIG_PREEMPT_RT", "full", "PREEMPT_RT: this_cpu ops as with full preemption; RT"
            + " locking not modelled"},
        {"CONFIG_PREEMPT_LAZY", "lazy", "PREEMPT_LAZY"},
        {"CONFIG_PREEMPT", "full", "PREEMPT (full)"},
        {"CONFIG_PREEMPT_VOLUNTARY", "voluntary", "PREEMPT_VOLUNTARY"},
        {"CONFIG_PREEMPT_NONE", "none", "PREEMPT_NONE"}};
    List<String> syms = new java.util.ArrayList<>();
    for (String[] o : order) {
      syms.add(o[0]);
    }
    return new KconfigRule(syms, PREEMPT, false, v -> {
      boolean seen = false;
      for (String[] o : order) {
        String s = v.apply(o[0]);
        seen |= s != null;
        if (s != null && KconfigRule.isOn(s)) {
          return KconfigRule.Outcome.set(o[1], o[2]);
        }
      }
      return seen ? KconfigRule.Outcome.keep("no preemption model symbol is y") : null;
    });
  }
}
