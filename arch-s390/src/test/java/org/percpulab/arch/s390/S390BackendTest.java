package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.MapConfigView;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.PerCpuAreaSpec;

class S390BackendTest {
  private final S390Backend backend = new S390Backend();

  @Test
  void identity() {
    assertThat(backend.id()).isEqualTo("s390");
    assertThat(backend.version()).isEqualTo("0.1.0");
    assertThat(backend.features()).containsExactly("HAVE_LOCAL_PER_CPU_MAP");
    assertThat(backend.supportedGeometries()).containsExactly(S390Geometry.REGION3,
        S390Geometry.REGION2, S390Geometry.REGION1);
    assertThat(ServiceLoader.load(ArchBackend.class).stream()
        .map(p -> p.get().id()).collect(Collectors.toList())).contains("s390");
  }

  @Test
  void keys() {
    assertThat(backend.configKeys()).hasSize(5 + S390KernelImage.KEYS.size()
        + CostClass.values().length);
    assertThat(backend.configKeys().get(2).name()).isEqualTo("s390.localMap");
    assertThat(backend.configKeys().get(2).defaultValue()).isEqualTo("off");
    assertThat(backend.configKeys().get(3).allowed()).isEqualTo("lowcore|immediate");
    assertThat(backend.configKeys().get(4).name()).isEqualTo("s390.kasan");
    assertThat(backend.configKeys().get(4).defaultValue()).isEqualTo("false");
    for (ConfigKey k : backend.configKeys()) {
      assertThat(k.name()).as(k.name()).startsWith("s390.");
      assertThat(k.validator().accepts(k.defaultValue())).as(k.name()).isTrue();
    }
    ConfigKey z196 = backend.configKeys().get(0);
    assertThat(z196.name()).isEqualTo("s390.z196");
    assertThat(z196.defaultValue()).isEqualTo("true");
    assertThat(z196.allowed()).isEqualTo("true|false");
    assertThat(S390Backend.costKey(CostClass.ATOMIC_NEAR)).isEqualTo("s390.cost.atomic_near");
    assertThat(backend.validate(MapConfigView.of())).isEmpty();
    for (String va : new String[] {"42", "53", "64"}) {
      assertThat(backend.validate(MapConfigView.of("mm.vaBits", va, "mm.pageSize", "4K"))).isEmpty();
    }
    assertThat(backend.validate(MapConfigView.of("mm.vaBits", "53", "mm.levels", "4"))).isEmpty();
    assertThat(backend.validate(MapConfigView.of("mm.levels", "5"))).isEmpty();
  }

  @Test
  void validationMessages() {
    assertThat(backend.validate(MapConfigView.of("mm.pageSize", "64K", "mm.vaBits", "48",
        "s390.z196", "yes")).stream().map(ConfigProblem::message)).containsExactly(
        "config key 'mm.pageSize': value '64K' is not allowed; allowed: 4K (4096); s390 has 4 KiB"
            + " pages only",
        "config key 'mm.vaBits': value '48' is not allowed; allowed: 42|53|64 (s390 4K pages:"
            + " 42 = region-third, 3 levels; 53 = region-second, 4 levels; 64 = region-first,"
            + " 5 levels)",
        "config key 's390.z196': value 'yes' is not allowed; allowed: true|false");
    assertThat(backend.validate(MapConfigView.of("mm.vaBits", "42", "mm.levels", "4")).stream()
        .map(ConfigProblem::message)).containsExactly(
        "config key 'mm.levels': value '4' is not allowed; allowed: 3 with mm.vaBits=42");
    assertThat(backend.validate(MapConfigView.of("mm.levels", "2")).stream()
        .map(ConfigProblem::message)).containsExactly(
        "config key 'mm.levels': value '2' is not allowed; allowed: 3|4|5 (region-third,"
            + " region-second or region-first ASCE)");
    assertThatThrownBy(() -> backend.configure(MapConfigView.of("mm.vaBits", "39")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config key 'mm.vaBits': value '39' is not allowed");
  }

  @Test
  void configuredModel() {
    ArchModel m = backend.configure(MapConfigView.of("cpus", "160"));
    assertThat(m.geometry()).as("v6.17's region-third kernel ASCE").isSameAs(S390Geometry.REGION3);
    assertThat(m.layout()).isSameAs(S390Layout.LAYOUT);
    assertThat(m.translationBaseRegister()).isEqualTo("CR13");
    assertThat(m.ops()).isSameAs(S390Ops.Z196);
    assertThat(m.tlb().entries()).isEqualTo(2048);
    assertThat(m.capability(LocalPerCpuMap.class)).isEmpty();
    assertThat(((S390Descriptors) m.descriptors()).levels()).isEqualTo(3);
    PerCpuAreaSpec p = m.perCpuAreas();
    assertThat(p.cpus()).isEqualTo(160);
    assertThat(p.staticSize()).isEqualTo(84248);
    assertThat(p.reservedSize()).isEqualTo(8192);
    assertThat(p.dynamicReserve()).isEqualTo(28672);
    assertThat(p.atomSize()).isEqualTo(4096);
    assertThat(p.firstChunk()).isEqualTo(PerCpuAreaSpec.FirstChunk.EMBED);
    assertThat(p.perCpuStart()).isEqualTo(0x3ffe2000000L);
    assertThat(p.earlyLocalMap()).isFalse();
  }

  @Test
  void geometryAndFacilityChoices() {
    assertThat(backend.configure(MapConfigView.of("mm.vaBits", "42")).geometry())
        .isSameAs(S390Geometry.REGION3);
    assertThat(backend.configure(MapConfigView.of("mm.levels", "5")).geometry())
        .isSameAs(S390Geometry.REGION1);
    assertThat(((S390Descriptors) backend.configure(MapConfigView.of("mm.levels", "5"))
        .descriptors()).levels()).isEqualTo(5);
    assertThat(backend.configure(MapConfigView.of("s390.z196", "false")).ops())
        .isSameAs(S390Ops.NO_Z196);
    ArchModel m = backend.configure(MapConfigView.of("s390.cost.cas", "45"));
    assertThat(m.costs().cycles(CostClass.CAS)).isEqualTo(45);
    assertThat(m.costs().source(CostClass.CAS)).isEqualTo("config s390.cost.cas");
  }

  /**
   * Without mm.vaBits/mm.levels the geometry is the kernel ASCE v6.17 builds
   * (boot/startup.c setup_kernel_memory_layout): region-third unless KASAN; the reason names the
   * rule and its inputs; an explicit key wins and says what the kernel would have built.
   */
  @Test
  void defaultGeometryFollowsTheKernelAsceChoice() {
    for (String mem : new String[] {"16M", "4G", "1T", "3584G", "64T"}) {
      assertThat(backend.configure(MapConfigView.of("mm.memory", mem)).geometry()).as(mem)
          .isSameAs(S390Geometry.REGION3);
      assertThat(backend.configure(MapConfigView.of("mm.memory", mem, "s390.kasan", "true"))
          .geometry()).as(mem + " KASAN").isSameAs(S390Geometry.REGION2);
    }
    ArchModel def = backend.configure(MapConfigView.of());
    assertThat(def.capability(org.percpulab.core.spi.GeometryChoice.class).orElseThrow().reason())
        .isEqualTo("region-third kernel ASCE, 3 levels (asce_limit = _REGION2_SIZE = 4 TiB): v6.17"
            + " boot/startup.c setup_kernel_memory_layout takes region-second only with KASAN, or"
            + " with KASLR and a vmem estimate > 4 TiB; inputs: s390.kasan=false, KASLR off"
            + " (nokaslr layout), mm.memory=4G (vmem estimate 0x10180082000 <= 4 TiB)");
    assertThat(backend.configure(MapConfigView.of("s390.kasan", "true"))
        .capability(org.percpulab.core.spi.GeometryChoice.class).orElseThrow().reason())
        .startsWith("region-second kernel ASCE, 4 levels (asce_limit = _REGION1_SIZE = 8 PiB)")
        .contains("s390.kasan=true (a KASAN build always gets region-second)");
    ArchModel va53 = backend.configure(MapConfigView.of("mm.vaBits", "53"));
    assertThat(va53.geometry()).isSameAs(S390Geometry.REGION2);
    assertThat(va53.capability(org.percpulab.core.spi.GeometryChoice.class).orElseThrow()
        .reason()).isEqualTo("mm.vaBits=53 given: region-second kernel ASCE (4 levels); v6.17"
            + " would build region-third (3 levels) here");
    assertThat(backend.configure(MapConfigView.of("mm.vaBits", "64")).geometry())
        .isSameAs(S390Geometry.REGION1);
    assertThat(backend.configure(MapConfigView.of("mm.levels", "4", "s390.kasan", "true"))
        .capability(org.percpulab.core.spi.GeometryChoice.class).orElseThrow().reason())
        .isEqualTo("mm.levels=4 given: region-second kernel ASCE (4 levels), as v6.17 picks");
    assertThat(backend.validate(MapConfigView.of("mm.vaBits", "42", "s390.kasan", "true"))
        .stream().map(ConfigProblem::message)).containsExactly("config key 'mm.vaBits': value"
            + " '42' is not allowed; allowed: 53|64 with s390.kasan=true (a KASAN build always runs"
            + " a region-second kernel ASCE)");
    assertThat(backend.validate(MapConfigView.of("mm.levels", "3", "s390.kasan", "true"))
        .stream().map(ConfigProblem::message)).containsExactly("config key 'mm.levels': value"
            + " '3' is not allowed; allowed: 4|5 with s390.kasan=true (a KASAN build always runs"
            + " a region-second kernel ASCE)");
    assertThat(backend.validate(MapConfigView.of("s390.kasan", "1")).stream()
        .map(ConfigProblem::message)).containsExactly(
        "config key 's390.kasan': value '1' is not allowed; allowed: true|false");
  }

  @Test
  void badCoreKeysReachingConfigureGiveTheOneLineMessage() {
    assertThatThrownBy(() -> backend.configure(MapConfigView.of("cpus", "5000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key 'cpus': value '5000' is not allowed; allowed: integer 1..4096");
  }

  @Test
  void everyCostIsDocumented() {
    for (CostClass c : CostClass.values()) {
      assertThat(S390Costs.DEFAULTS.source(c)).as(c.name()).startsWith("assumption: ");
    }
  }
}
