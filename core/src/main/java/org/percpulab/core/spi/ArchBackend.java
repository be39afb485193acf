package org.percpulab.core.spi;

import com.google.inject.Module;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.percpulab.core.config.ConfigView;
import org.pf4j.ExtensionPoint;

/**
 * An architecture backend: the only way target-independent code reaches an architecture.
 *
 * <p>Found through {@code META-INF/services/org.percpulab.core.spi.ArchBackend} (written by PF4J's
 * extension processor for classes annotated {@code @org.pf4j.Extension}), either on the classpath or
 * in a plugin jar. Implementations must have a public no-argument constructor, hold no machine state
 * (one instance may describe many machines) and never call into {@code mm-*} or {@code bench}.
 *
 * <p>Contract style follows QEMU's {@code TCGCPUOps}: each method says what to return and what to
 * throw. Nothing here has a default that throws; capabilities a backend may lack are reached through
 * {@link ArchModel#capability(Class)}.
 */
public interface ArchBackend extends ExtensionPoint {

  /**
   * Stable id, e.g. {@code "arm64"}: lower case, {@code [a-z0-9_-]+}, unique across all loaded
   * backends. Must not throw; must return the same value on every call.
   */
  String id();

  /** SemVer version of this backend, e.g. {@code "0.1.0"}. Must not throw. */
  String version();

  /**
   * Kconfig-style features this backend selects, e.g. {@link Features#HAVE_LOCAL_PER_CPU_MAP}.
   * Return an immutable set, possibly empty. A backend that lists {@code HAVE_LOCAL_PER_CPU_MAP}
   * must return a {@link LocalPerCpuMap} from {@link ArchModel#capability(Class)}.
   */
  Set<String> features();

  /**
   * Config keys this backend owns. Every name must start with {@code id() + "."}. Return an
   * immutable list, possibly empty; the defaults must pass {@link #validate}.
   */
  List<ConfigKey> configKeys();

  /**
   * The geometries (granule, VA bits, levels) this backend can build. Used for listings and for the
   * error text when {@code mm.pageSize}/{@code mm.vaBits}/{@code mm.levels} name something else.
   * Return an immutable, non-empty list; the first entry is the geometry of the default config
   * (checked by the kit). A backend that derives the geometry from other keys when those three are
   * unset (s390: the kernel's ASCE choice from memory and KASAN) says why through the
   * {@link GeometryChoice} capability.
   */
  List<Geometry> supportedGeometries();

  /**
   * Checks the effective config: the shared keys this backend interprets (for example which
   * {@code mm.vaBits} the chosen {@code mm.pageSize} allows) and its own keys.
   *
   * @return one {@link ConfigProblem} per bad value, empty when the config is acceptable. Must not
   *     throw for bad values: problems are data.
   */
  List<ConfigProblem> validate(ConfigView config);

  /**
   * Builds the description of one machine for a config that {@link #validate} accepted.
   *
   * @throws IllegalArgumentException only if called with a config {@code validate} rejects.
   */
  ArchModel configure(ConfigView config);

  /**
   * The {@code percpu.access} choices ({@link OpMode}) this backend's {@link OpSequences} can
   * express; {@link OpSequences#sequence} must throw {@link IllegalArgumentException} for any other.
   * Default: offset, plus local-map when {@link #features()} lists HAVE_LOCAL_PER_CPU_MAP. Return an
   * immutable set containing {@link OpMode#BASELINE}.
   */
  default Set<OpMode> accesses() {
    return features().contains(Features.HAVE_LOCAL_PER_CPU_MAP)
        ? java.util.Collections.unmodifiableSet(java.util.EnumSet.of(OpMode.BASELINE,
            OpMode.LOCAL_MAP))
        : java.util.Collections.unmodifiableSet(java.util.EnumSet.of(OpMode.BASELINE));
  }

  /**
   * Builds the description of one machine for a config that {@link #validate} accepted and the
   * HAVE_LOCAL_PER_CPU_MAP gate core has already decided (core calls this one, never
   * {@link #configure(ConfigView)} directly). With {@code localMap.active()} the layout must carve
   * out the local area and the percpu inputs must follow the rules in {@link LocalPerCpuMap}; when
   * inactive the layout must be the kernel's own. Core checks both after this returns
   * ({@code org.percpulab.core.machine.LocalMapContract}).
   *
   * <p>Default: {@link #configure(ConfigView)}, right for backends that do not select
   * {@link Features#HAVE_LOCAL_PER_CPU_MAP}. Since SPI 1.1.0.
   *
   * @throws IllegalArgumentException one line, when the config cannot be combined with the gate
   *     (e.g. a key that asks for the embed first chunk while the local map is active)
   */
  default ArchModel configure(ConfigView config, LocalMapDecision localMap) {
    return configure(config);
  }

  /**
   * The runtime cpufeature verdict of the local map on {@code topology}, asked by core before
   * {@link #configure(ConfigView, LocalMapDecision)}: empty when the local map may be used, else a
   * one-line reason (e.g. SMT siblings share a TLB). Must not throw. Default: never refused. Since
   * SPI 1.1.0 (replaces {@link LocalPerCpuMap#refuseReason}).
   */
  default Optional<String> localMapRefusal(MachineTopology topology) {
    return Optional.empty();
  }

  /**
   * Whether this configuration lets the backend offer the local map at all, asked by core with
   * {@link #localMapRefusal} before {@link #configure(ConfigView, LocalMapDecision)}: empty when it
   * does, else a one-line reason (e.g. an experimental local map switched off by a backend key);
   * core then treats the feature as not selected ({@code percpu.localMap=auto} stays off,
   * {@code on}/{@code force} are config errors naming the reason). Must not throw. Default: empty.
   */
  default Optional<String> localMapConfigRefusal(ConfigView config) {
    return Optional.empty();
  }

  /**
   * This arch's NR_CPUS as data (Kconfig range and default); core derives and checks
   * {@code kernel.nrCpus} from it. Default {@link NrCpusLimit#ANY}. Since SPI 1.1.0.
   */
  default NrCpusLimit nrCpusLimit() {
    return NrCpusLimit.ANY;
  }

  /**
   * What this backend's figures take from the kernel and what it models, one line each, for the
   * report's provenance section (e.g. which first chunk it boots with the local map). Default: none.
   * Since SPI 1.1.0.
   */
  default List<String> provenance() {
    return List.of();
  }

  /**
   * Optional Guice module for backend-private bindings; installed after core's module. Return a
   * no-op module when the backend binds nothing.
   */
  default Module module() {
    return binder -> { };
  }
}
