package org.percpulab.arch.arm64;

import java.util.List;
import org.percpulab.core.spi.KconfigRule;

/**
 * arm64's kernel {@code .config} table (arch/arm64/Kconfig, v6.17): page size and VA size choices,
 * CONFIG_PGTABLE_LEVELS, KPTI, LSE atomics, NR_CPUS and NUMA, mapped onto this backend's and
 * core's keys. Options the running CPU decides (LSE atomics, KPTI) only set a key when they are
 * off: built in, they leave the CPU's value (a machine profile or the default) alone.
 */
final class Arm64Kconfig {

  static final String ARCH_SYMBOL = "CONFIG_ARM64";

  static final List<KconfigRule> RULES = List.of(
      KconfigRule.choice("arch", "arm64 kernel", ARCH_SYMBOL, Arm64Backend.ID),
      KconfigRule.choice("mm.pageSize", "ARM64_PAGE_SHIFT", "CONFIG_ARM64_4K_PAGES", "4K",
          "CONFIG_ARM64_16K_PAGES", "16K", "CONFIG_ARM64_64K_PAGES", "64K"),
      KconfigRule.choice("mm.vaBits", "VA_BITS choice", "CONFIG_ARM64_VA_BITS_36", "36",
          "CONFIG_ARM64_VA_BITS_39", "39", "CONFIG_ARM64_VA_BITS_42", "42",
          "CONFIG_ARM64_VA_BITS_47", "47", "CONFIG_ARM64_VA_BITS_48", "48",
          "CONFIG_ARM64_VA_BITS_52", "52"),
      KconfigRule.number("CONFIG_ARM64_VA_BITS", "mm.vaBits", "VA_BITS"),
      KconfigRule.number("CONFIG_PGTABLE_LEVELS", "mm.levels",
          "CONFIG_PGTABLE_LEVELS, derived by Kconfig from page size and VA bits"),
      KconfigRule.offOnly("CONFIG_UNMAP_KERNEL_AT_EL0", Arm64Config.KPTI, "false",
          "KPTI not built in",
          "built in; the kernel still skips KPTI at boot on CPUs that are not affected by"
              + " Meltdown (CSV3) unless kpti=1, so the CPU decides"),
      KconfigRule.offOnly("CONFIG_ARM64_LSE_ATOMICS", Arm64Config.ATOMICS, "llsc",
          "LL/SC only: the LSE alternatives are not built in",
          "built in; alternatives patch LSE in only on CPUs that have it, so the CPU decides"),
      KconfigRule.offOnly("CONFIG_NUMA", Arm64Config.NUMA_NODES, "1", "no NUMA: one node",
          "built in; the firmware (ACPI SRAT / DT) gives the node count, so the machine decides"),
      new KconfigRule(List.of("CONFIG_NODES_SHIFT"), Arm64Config.NUMA_NODES, false, v -> {
        String s = v.apply("CONFIG_NODES_SHIFT");
        if (s == null) {
          return null;
        }
        try {
          int shift = Integer.parseInt(s.trim());
          return KconfigRule.Outcome.limit(1L << shift, "MAX_NUMNODES = 1 << NODES_SHIFT");
        } catch (NumberFormatException e) {
          return KconfigRule.Outcome.keep("not a number");
        }
      }));

  private Arm64Kconfig() { }
}
