package org.percpulab.core.machine;

import java.util.Optional;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;

/**
 * The HAVE_LOCAL_PER_CPU_MAP gate: Kconfig selection by the backend ({@link ArchBackend#features()}
 * and the {@link LocalPerCpuMap} capability), the runtime cpufeature verdict
 * ({@link LocalPerCpuMap#refuseReason}), and {@code percpu.localMap}: auto (on where selected and not
 * refused), on (error when not selected or refused), off, force (on even when refused, to show what
 * goes wrong; error when not selected).
 *
 * @param selected the backend selects HAVE_LOCAL_PER_CPU_MAP and provides the capability
 * @param active per-CPU tables and the local area exist on this machine
 * @param reason why not active (empty when active), or a warning when forced
 * @param capability the backend's capability when selected
 */
public record LocalMapGate(boolean selected, boolean active, String reason,
    Optional<LocalPerCpuMap> capability) {

  /**
   * Decides the gate.
   *
   * @throws IllegalArgumentException (one line) for {@code on}/{@code force} where impossible
   */
  public static LocalMapGate decide(ArchBackend backend, ArchModel model, MachineTopology topo,
      String mode) {
    Optional<LocalPerCpuMap> cap = model.capability(LocalPerCpuMap.class);
    boolean selected = backend.features().contains(Features.HAVE_LOCAL_PER_CPU_MAP)
        && cap.isPresent();
    String notSelected = "backend " + backend.id() + " does not select "
        + Features.HAVE_LOCAL_PER_CPU_MAP;
    if (mode.equals("off")) {
      return new LocalMapGate(selected, false, "percpu.localMap=off", selected ? cap
          : Optional.empty());
    }
    if (!selected) {
      if (!mode.equals("auto")) {
        throw new IllegalArgumentException(new ConfigProblem("percpu.localMap", mode,
            "auto|off (" + notSelected + ")").message());
      }
      return new LocalMapGate(false, false, notSelected, Optional.empty());
    }
    Optional<String> refuse = cap.get().refuseReason(topo);
    if (refuse.isPresent()) {
      switch (mode) {
        case "auto":
          return new LocalMapGate(true, false, refuse.get(), cap);
        case "on":
          throw new IllegalArgumentException(new ConfigProblem("percpu.localMap", mode,
              "auto|off|force (refused: " + refuse.get() + ")").message());
        default:
          return new LocalMapGate(true, true, "forced although refused: " + refuse.get(), cap);
      }
    }
    return new LocalMapGate(true, true, "", cap);
  }
}
