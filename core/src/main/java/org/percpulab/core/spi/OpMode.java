package org.percpulab.core.spi;

/** How percpu addresses are formed. */
public enum OpMode {
  /** Mainline: pointer + this CPU's offset (TPIDR_EL1, lowcore, __per_cpu_offset[]). */
  BASELINE,
  /** Seed series: pointer + {@code __per_cpu_local_off}, the same on every CPU. */
  LOCAL_MAP
}
