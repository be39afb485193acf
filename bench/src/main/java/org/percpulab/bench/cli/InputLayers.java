package org.percpulab.bench.cli;

import java.nio.file.Path;
import java.util.List;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.kconfig.Kconfig;
import org.percpulab.core.kconfig.KconfigFile;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.profile.MachineProfile;
import org.percpulab.core.profile.MachineProfiles;

/**
 * The user's config layers in the order they win: built-in defaults (added at validation), the
 * machine profile ({@code --profile}, source {@code profile:NAME}), the kernel .config
 * ({@code --kconfig}, source {@code kconfig:FILE}), the YAML file ({@code --config}), the
 * shorthands, then each {@code --set}.
 *
 * @param config the layered, not yet validated config
 * @param profile the profile applied, or null
 * @param kconfig what the .config did, or null
 */
record InputLayers(Config config, MachineProfile profile, Kconfig.Result kconfig) {

  static InputLayers build(ArchRegistry registry, String profileName, Path kconfigFile,
      Path configFile, List<String> sets) {
    Config c = Config.empty();
    MachineProfile p = null;
    if (profileName != null) {
      p = MachineProfiles.load(registry).get(profileName);
      c = p.applyTo(c);
    }
    Kconfig.Result k = null;
    if (kconfigFile != null) {
      k = Kconfig.apply(c, KconfigFile.read(kconfigFile), Kconfig.mappings(registry),
          Boot.keys(registry));
      c = k.config();
    }
    return new InputLayers(ConfigLoader.load(c, configFile, sets), p, k);
  }
}
