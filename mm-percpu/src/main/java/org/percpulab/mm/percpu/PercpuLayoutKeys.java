package org.percpulab.mm.percpu;

import java.util.List;
import org.percpulab.core.config.ConfigKeySource;
import org.percpulab.core.machine.MachineSettings;
import org.percpulab.core.spi.ConfigKey;

/**
 * Config keys of the percpu local area's layout (see {@link PcpuLocalLayout}):
 * {@code percpu.localLayout} and {@code percpu.stride}. The per-value checks are here; whether a
 * stride fits the machine is checked by {@link PcpuPackedPlan} against the backend's geometry.
 */
public final class PercpuLayoutKeys implements ConfigKeySource {
  public static final String LAYOUT = "percpu.localLayout";
  public static final String STRIDE = "percpu.stride";

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(
        ConfigKey.choice(LAYOUT, "packed", "how chunks' local ranges are laid out with the local"
            + " map: mirror = each chunk's pcpu_get_vm_areas base plus the local area's size;"
            + " packed = a CPU-major percpu region with one slot per chunk, local ranges unit"
            + " after unit (default where the backend allows it, else mirror)", "mirror",
            "packed"),
        new ConfigKey(STRIDE, "auto", "packed layout: distance between two CPUs' units in the"
            + " percpu region, the most percpu memory one CPU may hold (auto = from the"
            + " backend's region budget, see boot)",
            "auto or a size (e.g. 1G, 64M, a byte count) that is a multiple of the page size",
            raw -> raw.trim().equals("auto") || parses(raw)));
  }

  private static boolean parses(String raw) {
    try {
      return MachineSettings.parseSize(raw) > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
