package org.percpulab.core.machine;

import java.util.List;
import org.percpulab.core.config.ConfigKeySource;
import org.percpulab.core.spi.ConfigKey;

/**
 * Config keys of the machine model that are not among the foundation's core keys: {@code mm.memory}
 * (RAM size; the linear map covers it and every page the model allocates comes from it).
 */
public final class MachineConfigKeys implements ConfigKeySource {
  public static final String MEMORY = "mm.memory";

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(new ConfigKey(MEMORY, "4G",
        "RAM size of the simulated machine (linear map, page allocator)",
        "a size 16M..64T, e.g. 4G, 512M or a byte count", raw -> {
          long v = MachineSettings.parseSize(raw);
          return v >= (16L << 20) && v <= (1L << 46);
        }));
  }
}
