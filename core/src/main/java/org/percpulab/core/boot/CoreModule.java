package org.percpulab.core.boot;

import com.google.inject.AbstractModule;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MachineTopology;

/**
 * Core's Guice bindings for one boot: the config, the selected backend, its machine description and
 * the topology, all as instances chosen before the injector exists (no static machine state). The
 * machine itself ({@code org.percpulab.core.machine.MachineModule}) and the mm modules are installed
 * next to this one.
 */
public final class CoreModule extends AbstractModule {

  private final BootContext boot;

  public CoreModule(BootContext boot) {
    this.boot = boot;
  }

  @Override
  protected void configure() {
    bind(BootContext.class).toInstance(boot);
    bind(Config.class).toInstance(boot.config());
    bind(ConfigView.class).toInstance(boot.config());
    bind(ArchRegistry.class).toInstance(boot.registry());
    bind(ArchBackend.class).toInstance(boot.backend());
    bind(ArchModel.class).toInstance(boot.model());
    bind(MachineTopology.class).toInstance(boot.topology());
  }
}
