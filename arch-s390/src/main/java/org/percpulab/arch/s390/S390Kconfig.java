package org.percpulab.arch.s390;

import java.util.List;
import org.percpulab.core.spi.KconfigRule;

/**
 * s390's kernel {@code .config} table (arch/s390/Kconfig, v6.17): the processor-type choice
 * (MARCH_Z10 lacks the interlocked-access facility the this_cpu ops use from z196 on), the page
 * table depth (chosen at boot; CONFIG_PGTABLE_LEVELS=5 is only the maximum) and NUMA (not
 * modelled on s390). NR_CPUS, preemption and KASAN are core's symbols.
 */
final class S390Kconfig {

  static final String ARCH_SYMBOL = "CONFIG_S390";

  static final List<KconfigRule> RULES = List.of(
      KconfigRule.choice("arch", "s390 kernel", ARCH_SYMBOL, S390Backend.ID),
      KconfigRule.choice(S390Backend.KEY_Z196, "processor type choice", "CONFIG_MARCH_Z10",
          "false", "CONFIG_MARCH_Z196", "true", "CONFIG_MARCH_ZEC12", "true", "CONFIG_MARCH_Z13",
          "true", "CONFIG_MARCH_Z14", "true", "CONFIG_MARCH_Z15", "true", "CONFIG_MARCH_Z16",
          "true", "CONFIG_MARCH_Z17", "true"),
      KconfigRule.bool("CONFIG_HAVE_MARCH_Z196_FEATURES", S390Backend.KEY_Z196,
          "interlocked-access facility 1: asi/laa/lan/lao this_cpu ops"),
      new KconfigRule(List.of("CONFIG_PGTABLE_LEVELS"), "mm.levels", false,
          v -> v.apply("CONFIG_PGTABLE_LEVELS") == null ? null : KconfigRule.Outcome.keep(
              "s390 picks 3..5 levels at boot from the memory and VA size;"
                  + " CONFIG_PGTABLE_LEVELS is only the maximum")),
      KconfigRule.offOnly("CONFIG_NUMA", "s390.numaNodes", "1", "no NUMA: one node",
          "s390 NUMA (default n) is not modelled"));

  private S390Kconfig() { }
}
