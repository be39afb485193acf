package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.PerCpuAreaSpec;

class Arm64BackendTest {
  private final Arm64Backend backend = new Arm64Backend();

  @Test void foundByServiceLoader() {
    List<String> ids = new ArrayList<>();
    for (ArchBackend b : ServiceLoader.load(ArchBackend.class)) {
      ids.add(b.id());
    }
    assertThat(ids).contains("arm64");
  }

  @Test void identityAndFeatures() {
    assertThat(backend.id()).isEqualTo("arm64");
    assertThat(backend.version()).isEqualTo("0.1.0");
    assertThat(backend.features()).containsExactly(Features.HAVE_LOCAL_PER_CPU_MAP);
    assertThat(backend.supportedGeometries()).hasSize(9);
  }

  @Test void keysArePrefixedAndDefaultsValidate() {
    for (ConfigKey k : backend.configKeys()) {
      assertThat(k.name()).startsWith("arm64.");
      assertThat(k.validator().accepts(k.defaultValue())).as(k.name()).isTrue();
    }
    assertThat(backend.configKeys()).extracting(ConfigKey::name).contains("arm64.atomics",
        "arm64.atomicsFar", "arm64.kpti", "arm64.vhe", "arm64.staticPercpuSize",
        "arm64.numaNodes", "arm64.cost.atomic_far");
    assertThat(backend.validate(MapConfig.of())).isEmpty();
  }

  @Test void validateNamesWhatIsAllowed() {
    List<ConfigProblem> p = backend.validate(MapConfig.of("mm.pageSize", "4K", "mm.vaBits", "47"));
    assertThat(p).extracting(ConfigProblem::message).containsExactly(
        "config key 'mm.vaBits': value '47' is not allowed; allowed: 39|48|52 for 4K pages");
    assertThat(backend.validate(MapConfig.of("mm.pageSize", "16384", "mm.vaBits", "39")))
        .extracting(ConfigProblem::message).containsExactly(
            "config key 'mm.vaBits': value '39' is not allowed; allowed: 36|47|48 for 16K pages");
    assertThat(backend.validate(MapConfig.of("mm.pageSize", "8K")))
        .extracting(ConfigProblem::message).containsExactly(
            "config key 'mm.pageSize': value '8K' is not allowed; allowed: 4K|16K|64K (or "
                + "4096|16384|65536)");
    assertThat(backend.validate(MapConfig.of("mm.pageSize", "64K", "mm.vaBits", "48",
        "mm.levels", "4"))).extracting(ConfigProblem::message).containsExactly(
            "config key 'mm.levels': value '4' is not allowed; allowed: 3 for 64K pages with "
                + "48-bit VA");
    assertThat(backend.validate(MapConfig.of("mm.pageSize", "64K", "mm.vaBits", "48",
        "mm.levels", "3"))).isEmpty();
  }

  @Test void validateOneProblemPerBadValue() {
    List<ConfigProblem> p = backend.validate(MapConfig.of("arm64.atomics", "cas",
        "arm64.kpti", "yes", "cpus", "600", "arm64.cost.atomic_far", "-1"));
    assertThat(p).extracting(ConfigProblem::message).containsExactlyInAnyOrder(
        "config key 'arm64.atomics': value 'cas' is not allowed; allowed: lse|llsc",
        "config key 'arm64.kpti': value 'yes' is not allowed; allowed: true|false",
        "config key 'arm64.cost.atomic_far': value '-1' is not allowed; allowed: integer 0..1000000");
    assertThat(backend.nrCpusLimit().check(MapConfig.of("cpus", "600", "kernel.nrCpus", "512"),
        "arm64").orElseThrow().message()).isEqualTo("config key 'kernel.nrCpus': value '512' is "
            + "not allowed; allowed: integer 600..4096 for arm64 (NR_CPUS >= cpus = 600)");
    assertThat(backend.nrCpusLimit().defaultFor(4)).as("Kconfig default 512").isEqualTo(512);
    assertThat(backend.nrCpusLimit().defaultFor(4096)).as("cpus above it").isEqualTo(4096);
  }

  @Test void configureRejectsBadConfig() {
    assertThatThrownBy(() -> backend.configure(MapConfig.of("mm.vaBits", "47")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mm.vaBits");
  }

  @Test void defaultModel() {
    ArchModel m = backend.configure(MapConfig.of());
    assertThat(m.geometry().label()).isEqualTo("4K/48-bit/4-level");
    assertThat(m.translationBaseRegister()).isEqualTo("TTBR1_EL1");
    assertThat(m.tlb().entries()).isEqualTo(1280);
    assertThat(m.layout().region("percpu-local")).isPresent();
    assertThat(m.capability(LocalPerCpuMap.class)).isPresent();
    PerCpuAreaSpec s = m.perCpuAreas();
    assertThat(s.staticSize()).isEqualTo(84248);
    assertThat(s.reservedSize()).isEqualTo(8192);
    assertThat(s.dynamicReserve()).isEqualTo(28672);
    assertThat(s.atomSize()).isEqualTo(4096);
    // the local map is active by default, and one __per_cpu_local_off needs the page first chunk
    assertThat(s.firstChunk()).isEqualTo(PerCpuAreaSpec.FirstChunk.PAGE);
    assertThat(backend.configure(MapConfig.of("percpu.localMap", "off")).perCpuAreas()
        .firstChunk()).isEqualTo(PerCpuAreaSpec.FirstChunk.EMBED);
    assertThat(backend.configure(MapConfig.of("percpu.localMap", "off", "arm64.percpuAlloc",
        "page")).perCpuAreas().firstChunk()).isEqualTo(PerCpuAreaSpec.FirstChunk.PAGE);
    // the gate is core's, so the conflict shows when configure() is told the gate
    assertThat(backend.validate(MapConfig.of("arm64.percpuAlloc", "embed"))).isEmpty();
    assertThatThrownBy(() -> backend.configure(MapConfig.of("arm64.percpuAlloc", "embed")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key 'arm64.percpuAlloc': value 'embed' is not allowed; allowed: "
            + "auto|page while percpu.localMap is "
            + "active (one __per_cpu_local_off needs the first chunk in vmalloc space), or set "
            + "percpu.localMap=off");
    assertThat(s.cpus()).isEqualTo(4);
    assertThat(s.earlyLocalMap()).isTrue();
    assertThat(s.perCpuStart()).isEqualTo(0xffff800081e80000L);
    // 84248 + 8192 + 28672 = 121112 -> 30 pages: "Embedded 30 pages/cpu s84248 r8192 d30440 u122880"
    long unit = (s.staticSize() + s.reservedSize() + s.dynamicReserve() + 4095) & -4096L;
    assertThat(unit).isEqualTo(122880);
    assertThat(unit - s.staticSize() - s.reservedSize()).isEqualTo(30440);
  }

  @Test void numaNodeMapAndVhe() {
    ArchModel m = backend.configure(MapConfig.of("cpus", "8", "arm64.numaNodes", "2",
        "arm64.vhe", "true"));
    PerCpuAreaSpec s = m.perCpuAreas();
    assertThat(s.cpuToNode()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    assertThat(s.distance(0, 0)).isEqualTo(10);
    assertThat(s.distance(0, 1)).isEqualTo(20);
    assertThat(m.translationBaseRegister()).isEqualTo("TTBR1_EL2");
  }

  @Test void gateOffAndRefusal() {
    ArchModel off = backend.configure(MapConfig.of("percpu.localMap", "off"));
    assertThat(off.layout().region("percpu-local")).isEmpty();
    assertThat(off.perCpuAreas().earlyLocalMap()).isFalse();
    ArchModel smt = backend.configure(MapConfig.of("topology.threadsPerCore", "2",
        "tlb.shared", "smt"));
    assertThat(smt.layout().region("percpu-local")).isEmpty();
    ArchModel forced = backend.configure(MapConfig.of("topology.threadsPerCore", "2",
        "tlb.shared", "smt", "percpu.localMap", "force"));
    assertThat(forced.layout().region("percpu-local")).isPresent();
    assertThat(backend.localMapRefusal(new MachineTopology(4, 2, true))).contains(
        "SMT siblings share a TLB (tlb.shared=smt, 2 threads/core): a sibling could hit another "
            + "CPU's local-area translation, so the local map is refused (as with CnP)");
    assertThat(backend.localMapRefusal(new MachineTopology(4, 2, false))).isEmpty();
    assertThat(backend.localMapRefusal(new MachineTopology(4, 1, true))).isEmpty();
    assertThat(Arm64LocalPerCpuMap.CNP_ON_PERCPU_TTBR1).isFalse();
  }

  @Test void costOverrides() {
    ArchModel m = backend.configure(MapConfig.of("arm64.cost.atomic_far", "60"));
    assertThat(m.costs().cycles(CostClass.ATOMIC_FAR)).isEqualTo(60);
    assertThat(m.costs().source(CostClass.ATOMIC_FAR)).isEqualTo("config arm64.cost.atomic_far");
    assertThat(m.costs().cycles(CostClass.ATOMIC_NEAR)).isEqualTo(15);
    for (CostClass c : CostClass.values()) {
      assertThat(Arm64Costs.defaults().source(c)).as(c.name()).isNotBlank();
    }
  }
}
