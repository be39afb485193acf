package org.percpulab.core.boot;

import com.google.inject.Module;
import java.util.List;
import org.percpulab.core.config.Config;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MachineTopology;

/**
 * Everything decided before a machine is built: the validated config, the selected backend and the
 * machine description it produced. The kernel analogue is the state after {@code setup_arch()} has
 * parsed the command line and chosen the memory layout, before {@code mm_init()}.
 */
public record BootContext(
    ResolvedConfig resolved, ArchModel model, MachineTopology topology) {

  public Config config() {
    return resolved.config();
  }

  public ArchBackend backend() {
    return resolved.backend().backend();
  }

  public ArchRegistry registry() {
    return resolved.registry();
  }

  /** Core's bindings plus the backend's own module; add MachineModule and mm modules after. */
  public List<Module> modules() {
    return List.of(new CoreModule(this), backend().module());
  }
}
