package org.percpulab.core.spi;

import java.util.Optional;
import org.percpulab.core.config.ConfigView;

/**
 * A backend's NR_CPUS as data: the {@code range} and {@code default} of its Kconfig {@code NR_CPUS}
 * entry (arch/&lt;arch&gt;/Kconfig). Core owns the user-facing key {@code kernel.nrCpus}; its value when
 * not given is {@link #effective}: the Kconfig default when that covers {@code cpus}, else
 * {@code cpus} itself (raised to {@code min}), i.e. the smallest allowed NR_CPUS that boots
 * {@code cpus} possible CPUs.
 *
 * @param min lowest NR_CPUS the arch allows (Kconfig range start; 2 on SMP kernels)
 * @param max highest NR_CPUS the arch allows (Kconfig range end); {@code cpus} above it is refused
 * @param kconfigDefault the Kconfig default, or 0 when the arch has none
 */
public record NrCpusLimit(int min, int max, int kconfigDefault) {

  /** Core's key for NR_CPUS. */
  public static final String KEY = "kernel.nrCpus";

  /** For backends that model no kernel's NR_CPUS: 1..4096, no default (NR_CPUS = cpus). */
  public static final NrCpusLimit ANY = new NrCpusLimit(1, 4096, 0);

  public NrCpusLimit {
    if (min < 1 || max < min || (kconfigDefault != 0 && (kconfigDefault < min
        || kconfigDefault > max))) {
      throw new IllegalArgumentException("NR_CPUS limit: need 1 <= min <= default <= max, got "
          + min + ".." + max + " default " + kconfigDefault);
    }
  }

  /** NR_CPUS when {@code kernel.nrCpus} is not given, for {@code cpus} possible CPUs. */
  public int defaultFor(int cpus) {
    int v = Math.max(min, cpus);
    return kconfigDefault >= v ? kconfigDefault : v;
  }

  /**
   * The NR_CPUS in effect: {@code kernel.nrCpus} when given, else {@link #defaultFor}. Assumes
   * {@link #check} accepted the config (bad text falls back to the default).
   */
  public int effective(ConfigView c) {
    int cpus = cpus(c);
    String raw = c.raw(KEY).orElse("").trim();
    if (!raw.isEmpty()) {
      try {
        return Integer.parseInt(raw);
      } catch (NumberFormatException e) {
        return defaultFor(cpus);
      }
    }
    return defaultFor(cpus);
  }

  /**
   * The one problem with {@code cpus} or {@code kernel.nrCpus} against this limit, naming the key
   * the user set: {@code cpus} above {@code max}, or an explicit NR_CPUS outside
   * {@code [max(min, cpus), max]}.
   */
  public Optional<ConfigProblem> check(ConfigView c, String backendId) {
    int cpus = cpus(c);
    if (cpus > max) {
      return Optional.of(new ConfigProblem("cpus", Integer.toString(cpus), "integer 1.." + max
          + " (NR_CPUS of " + backendId + " is at most " + max + ")"));
    }
    String raw = c.raw(KEY).orElse("").trim();
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    int lo = Math.max(min, cpus);
    try {
      int v = Integer.parseInt(raw);
      if (v >= lo && v <= max) {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    return Optional.of(new ConfigProblem(KEY, raw, "integer " + lo + ".." + max + " for "
        + backendId + " (NR_CPUS >= cpus = " + cpus + ")"));
  }

  private static int cpus(ConfigView c) {
    try {
      return Integer.parseInt(c.raw("cpus").orElse("4").trim());
    } catch (NumberFormatException e) {
      return 4;
    }
  }
}
