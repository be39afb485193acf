package org.percpulab.arch.arm64;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.config.PercpuAccessKeys;
import org.percpulab.core.config.KernelBuildKeys;
import org.percpulab.core.machine.LocalMapGate;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.PreemptModel;
import org.percpulab.core.spi.KconfigMapping;
import org.percpulab.core.spi.KconfigRule;
import org.percpulab.core.spi.LocalMapDecision;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.NrCpusLimit;
import org.percpulab.core.spi.ProfileSource;
import org.pf4j.Extension;

/**
 * The arm64 backend: the reference architecture of the seed series (arch/arm64). Selects
 * HAVE_LOCAL_PER_CPU_MAP. Config keys in {@link Arm64Config}; geometries in
 * {@link Arm64Geometries}; layout and local area in {@link Arm64Layout}.
 */
@Extension
public final class Arm64Backend implements ArchBackend, KconfigMapping, ProfileSource {

  public static final String ID = "arm64";
  public static final String VERSION = "0.1.0";

  @Override public String id() { return ID; }

  @Override public String version() { return VERSION; }

  @Override public Set<String> features() { return Set.of(Features.HAVE_LOCAL_PER_CPU_MAP); }

  @Override public List<ConfigKey> configKeys() { return Arm64Config.keys(); }

  @Override public List<Geometry> supportedGeometries() { return Arm64Geometries.all(); }

  @Override public List<ConfigProblem> validate(ConfigView config) {
    return Arm64Config.validate(config);
  }

  /** With core's gate for this config ({@link LocalMapGate#configure}). */
  @Override public ArchModel configure(ConfigView config) {
    return LocalMapGate.configure(this, config);
  }

  @Override public ArchModel configure(ConfigView config, LocalMapDecision localMap) {
    Arm64Config c = Arm64Config.from(config);
    Arm64Config.checkWithGate(c, localMap.active());
    return new Arm64Model(c, localMap.active(), Arm64Costs.fromConfig(config),
        KernelBuildKeys.moduleReserve(config), KernelBuildKeys.dynamicReserve(config, c.pageShift()),
        Arm64Config.rodataFull(config), Arm64Config.lpa2(config), PreemptModel.from(config),
        "immediate".equals(config.raw(Arm64Config.LOCAL_OFFSET).orElse("immediate").trim()),
        config.raw(PercpuAccessKeys.LOCAL_FORMS).orElse("auto").trim(),
        OpMode.PRIVATE_PAGE.accessName().equals(PercpuAccessKeys.access(config)));
  }

  /** arm64 can express every access (the review's rivals were argued on arm64). */
  @Override public Set<OpMode> accesses() {
    return java.util.Collections.unmodifiableSet(java.util.EnumSet.allOf(OpMode.class));
  }

  @Override public Optional<String> localMapRefusal(MachineTopology topology) {
    return Arm64LocalPerCpuMap.refusal(topology);
  }

  @Override public NrCpusLimit nrCpusLimit() {
    return Arm64Config.NR_CPUS_LIMIT;
  }

  @Override public List<String> provenance() {
    return List.of("arm64: with the local map the backend boots the page first chunk (mapped with"
        + " base-page PTEs in vmalloc space, right below the local area) while the baseline keeps"
        + " the kernel's default embed first chunk (linear map); the series' own construction is"
        + " not public (README, Known modelling limits)",
        "arm64: NR_CPUS " + Arm64Config.DEFAULT_NR_CPUS + " (Kconfig default) unless cpus or"
        + " kernel.nrCpus is larger; it sizes the fixmap's per-CPU slots");
  }

  @Override public List<String> profileResources() {
    return List.of("/percpu-lab/profiles/ampereone-a160.yaml",
        "/percpu-lab/profiles/neoverse-v2-72.yaml", "/percpu-lab/profiles/board-a720-8.yaml");
  }

  @Override public String archSymbol() { return Arm64Kconfig.ARCH_SYMBOL; }

  @Override public List<KconfigRule> kconfigRules() { return Arm64Kconfig.RULES; }
}
