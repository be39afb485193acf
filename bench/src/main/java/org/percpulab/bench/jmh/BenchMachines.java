package org.percpulab.bench.jmh;

import java.util.List;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.machine.MachineModule;

/** Boots machines for JMH state setup through the normal boot path (classpath backends). */
final class BenchMachines {
  private BenchMachines() { }

  /** Boots a machine with {@code sets} ({@code key=value}). */
  static Machine boot(String... sets) {
    BootContext ctx = Boot.boot(Boot.resolve(ConfigLoader.load(null, List.of(sets))));
    return Boot.injector(ctx, new MachineModule()).getInstance(Machine.class);
  }
}
