package org.percpulab.core.spi;

/** Names of Kconfig-style features a backend may select (see {@link ArchBackend#features()}). */
public final class Features {
  /**
   * The seed series' {@code HAVE_LOCAL_PER_CPU_MAP}: per-CPU kernel page tables and a percpu local
   * area. Arches without it pay nothing: no extra tables, VA or work.
   */
  public static final String HAVE_LOCAL_PER_CPU_MAP = "HAVE_LOCAL_PER_CPU_MAP";

  private Features() { }
}
