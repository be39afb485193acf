package org.percpulab.core.machine;

import java.util.Optional;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.LocalMapDecision;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;

/**
 * The HAVE_LOCAL_PER_CPU_MAP gate: Kconfig selection by the backend ({@link ArchBackend#features()}),
 * the runtime cpufeature verdict ({@link ArchBackend#localMapRefusal}), and {@code percpu.localMap}:
 * auto (on where selected and not refused), on (error when not selected or refused), off, force (on
 * even when refused, to show what goes wrong; error when not selected). Decided before the backend
 * is asked for its layout ({@link #decide(ArchBackend, MachineTopology, String)}); the capability is
 * attached once the model exists ({@link #withModel}).
 *
 * @param selected the backend selects HAVE_LOCAL_PER_CPU_MAP
 * @param active per-CPU tables and the local area exist on this machine
 * @param reason why not active (empty when active), or a warning when forced
 * @param capability the model's capability when selected (empty before {@link #withModel})
 */
public record LocalMapGate(boolean selected, boolean active, String reason,
    Optional<LocalPerCpuMap> capability) {

  /**
   * Decides the gate before the layout exists.
   *
   * @throws IllegalArgumentException (one line) for {@code on}/{@code force} where impossible
   */
  public static LocalMapGate decide(ArchBackend backend, MachineTopology topo, String mode) {
    boolean selected = backend.features().contains(Features.HAVE_LOCAL_PER_CPU_MAP);
    String notSelected = "backend " + backend.id() + " does not select "
        + Features.HAVE_LOCAL_PER_CPU_MAP;
    if (mode.equals("off")) {
      return new LocalMapGate(selected, false, "percpu.localMap=off", Optional.empty());
    }
    if (!selected) {
      if (!mode.equals("auto")) {
        throw new IllegalArgumentException(new ConfigProblem("percpu.localMap", mode,
            "auto|off (" + notSelected + ")").message());
      }
      return new LocalMapGate(false, false, notSelected, Optional.empty());
    }
    Optional<String> refuse = backend.localMapRefusal(topo);
    if (refuse.isPresent()) {
      switch (mode) {
        case "auto":
          return new LocalMapGate(true, false, refuse.get(), Optional.empty());
        case "on":
          throw new IllegalArgumentException(new ConfigProblem("percpu.localMap", mode,
              "auto|off|force (refused: " + refuse.get() + ")").message());
        default:
          return new LocalMapGate(true, true, "forced although refused: " + refuse.get(),
              Optional.empty());
      }
    }
    return new LocalMapGate(true, true, "", Optional.empty());
  }

  /** Decides the gate and attaches {@code model}'s capability (the model must match the gate). */
  public static LocalMapGate decide(ArchBackend backend, ArchModel model, MachineTopology topo,
      String mode) {
    return decide(backend, topo, mode).withModel(model);
  }

  /**
   * Core's gate for {@code config} (its {@code percpu.localMap} and topology keys), then
   * {@link ArchBackend#configure(org.percpulab.core.config.ConfigView, LocalMapDecision)}: what a
   * backend's one-argument {@code configure} may delegate to instead of re-deriving the gate.
   *
   * @throws IllegalArgumentException one line, for a bad value or an impossible on/force
   */
  public static ArchModel configure(ArchBackend backend, org.percpulab.core.config.ConfigView config) {
    MachineSettings s = MachineSettings.from(config);
    return backend.configure(config, decide(backend, s.topology(), s.localMap()).decision());
  }

  /** What the backend is told. */
  public LocalMapDecision decision() {
    return new LocalMapDecision(active, reason);
  }

  /** This gate with the model's {@link LocalPerCpuMap} attached (when selected). */
  public LocalMapGate withModel(ArchModel model) {
    return new LocalMapGate(selected, active, reason,
        selected ? model.capability(LocalPerCpuMap.class) : Optional.empty());
  }
}
