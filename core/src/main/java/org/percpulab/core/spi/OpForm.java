package org.percpulab.core.spi;

/** The three families of include/linux/percpu-defs.h. */
public enum OpForm {
  /** {@code this_cpu_*}: safe against preemption and interrupts by itself. */
  THIS_CPU("this_cpu_"),
  /** {@code __this_cpu_*}: caller has preemption disabled (checked with CONFIG_DEBUG_PREEMPT). */
  UNDERSCORE_THIS_CPU("__this_cpu_"),
  /** {@code raw_cpu_*}: no checks at all. */
  RAW_CPU("raw_cpu_");

  private final String prefix;

  OpForm(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }
}
