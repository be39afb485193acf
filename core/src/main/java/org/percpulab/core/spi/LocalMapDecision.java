package org.percpulab.core.spi;

/**
 * Core's HAVE_LOCAL_PER_CPU_MAP gate, decided before the backend is asked for its layout
 * ({@link ArchBackend#configure(org.percpulab.core.config.ConfigView, LocalMapDecision)}): from
 * {@code percpu.localMap}, {@link ArchBackend#features()} and
 * {@link ArchBackend#localMapRefusal(MachineTopology)}. A backend never re-derives it.
 *
 * @param active the machine has per-CPU tables and the local area: the layout must carve the
 *     area out and the percpu inputs must follow {@link LocalPerCpuMap}'s rules
 * @param reason why not active (empty when active), or a warning when forced although refused
 */
public record LocalMapDecision(boolean active, String reason) {

  /** The decision for a backend that does not select the feature. */
  public static LocalMapDecision inactive(String reason) {
    return new LocalMapDecision(false, reason);
  }
}
