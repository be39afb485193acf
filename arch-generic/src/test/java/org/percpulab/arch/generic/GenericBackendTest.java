package org.percpulab.arch.generic;

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

class GenericBackendTest {
  private final GenericBackend backend = new GenericBackend();

  @Test
  void identity() {
    assertThat(backend.id()).isEqualTo("generic");
    assertThat(backend.version()).isEqualTo("0.1.0");
    assertThat(backend.features()).containsExactly("HAVE_LOCAL_PER_CPU_MAP");
    assertThat(backend.supportedGeometries()).containsExactly(GenericGeometry.GEOMETRY);
  }

  @Test
  void foundThroughServiceLoader() {
    assertThat(ServiceLoader.load(ArchBackend.class).stream()
        .map(p -> p.get().id()).collect(Collectors.toList())).contains("generic");
  }

  @Test
  void keysArePrefixedAndDefaultsValidate() {
    assertThat(backend.configKeys()).hasSize(3 + CostClass.values().length);
    for (ConfigKey k : backend.configKeys()) {
      assertThat(k.name()).as(k.name()).startsWith("generic.");
      assertThat(k.validator().accepts(k.defaultValue())).as(k.name()).isTrue();
    }
    assertThat(backend.configKeys().get(0).name()).isEqualTo("generic.percpu.staticSize");
    assertThat(backend.configKeys().get(0).defaultValue()).isEqualTo("84248");
    assertThat(GenericBackend.costKey(CostClass.IRQ_SAVE)).isEqualTo("generic.cost.irq_save");
    assertThat(backend.validate(MapConfigView.of())).isEmpty();
    assertThat(backend.validate(MapConfigView.of("mm.pageSize", "4K", "mm.vaBits", "48",
        "mm.levels", "4"))).isEmpty();
    assertThat(backend.validate(MapConfigView.of("mm.pageSize", "4096"))).isEmpty();
  }

  @Test
  void badSharedKeysGiveOneProblemEachNamingWhatIsAllowed() {
    assertThat(backend.validate(MapConfigView.of("mm.pageSize", "16K", "mm.vaBits", "39",
        "mm.levels", "3")).stream().map(ConfigProblem::message))
        .containsExactly(
            "config key 'mm.pageSize': value '16K' is not allowed; allowed: 4K (4096); the generic"
                + " backend models 4 KiB pages only",
            "config key 'mm.vaBits': value '39' is not allowed; allowed: 48; the generic backend"
                + " models a 48-bit VA only",
            "config key 'mm.levels': value '3' is not allowed; allowed: 4; the generic backend"
                + " models 4 levels (PGD, PUD, PMD, PTE) only");
    assertThat(backend.validate(MapConfigView.of("mm.pageSize", "abc")))
        .extracting(ConfigProblem::value).containsExactly("abc");
  }

  @Test
  void badOwnKeys() {
    assertThat(backend.validate(MapConfigView.of("generic.cost.load", "-1",
        "generic.percpu.staticSize", "0")).stream().map(ConfigProblem::message))
        .containsExactlyInAnyOrder(
            "config key 'generic.cost.load': value '-1' is not allowed; allowed: integer"
                + " 0..1000000",
            "config key 'generic.percpu.staticSize': value '0' is not allowed; allowed: integer"
                + " 4..1048576");
  }

  @Test
  void configureRejectsWhatValidateRejects() {
    assertThatThrownBy(() -> backend.configure(MapConfigView.of("mm.vaBits", "52")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config key 'mm.vaBits': value '52' is not allowed");
  }

  @Test
  void configuredModel() {
    ArchModel m = backend.configure(MapConfigView.of("cpus", "160"));
    assertThat(m.geometry()).isSameAs(GenericGeometry.GEOMETRY);
    assertThat(m.layout()).isSameAs(GenericLayout.LAYOUT);
    assertThat(m.descriptors()).isSameAs(GenericDescriptors.INSTANCE);
    assertThat(m.translationBaseRegister()).isEqualTo("PTBR");
    assertThat(m.tlb().entries()).isEqualTo(1536);
    assertThat(m.tlb().sharedBySmt()).isFalse();
    assertThat(m.ops()).isSameAs(GenericOps.INSTANCE);
    assertThat(m.capability(LocalPerCpuMap.class)).isEmpty();
    assertThat(m.costs().cycles(CostClass.IRQ_SAVE)).isEqualTo(10);
    PerCpuAreaSpec p = m.perCpuAreas();
    assertThat(p.cpus()).isEqualTo(160);
    assertThat(p.staticSize()).isEqualTo(84248);
    assertThat(p.reservedSize()).as("PERCPU_MODULE_RESERVE").isEqualTo(8192);
    assertThat(p.dynamicReserve()).as("PERCPU_DYNAMIC_RESERVE").isEqualTo(28672);
    assertThat(p.atomSize()).as("PAGE_SIZE").isEqualTo(4096);
    assertThat(p.firstChunk()).isEqualTo(PerCpuAreaSpec.FirstChunk.EMBED);
    assertThat(p.node(0)).isZero();
    assertThat(p.node(159)).isZero();
    assertThat(p.distance(0, 0)).isEqualTo(10);
    assertThat(p.perCpuStart()).isEqualTo(0xffffffff82000000L);
    assertThat(p.perCpuStart() & 4095).isZero();
    assertThat(p.earlyLocalMap()).isFalse();
  }

  @Test
  void overrides() {
    ArchModel m = backend.configure(MapConfigView.of("generic.cost.irq_save", "33",
        "generic.percpu.staticSize", "108312", "tlb.entries", "64", "tlb.shared", "smt"));
    assertThat(m.costs().cycles(CostClass.IRQ_SAVE)).isEqualTo(33);
    assertThat(m.costs().source(CostClass.IRQ_SAVE)).isEqualTo("config generic.cost.irq_save");
    assertThat(m.costs().cycles(CostClass.IRQ_RESTORE)).isEqualTo(10);
    assertThat(m.perCpuAreas().staticSize()).isEqualTo(108312);
    assertThat(m.perCpuAreas().cpus()).isEqualTo(4);
    assertThat(m.tlb().entries()).isEqualTo(64);
    assertThat(m.tlb().sharedBySmt()).isTrue();
  }

  @Test
  void badCoreKeysReachingConfigureGiveTheOneLineMessage() {
    assertThatThrownBy(() -> backend.configure(MapConfigView.of("cpus", "abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key 'cpus': value 'abc' is not allowed; allowed: integer 1..4096");
    assertThatThrownBy(() -> backend.configure(MapConfigView.of("tlb.entries", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config key 'tlb.entries': value '0' is not allowed; allowed: integer"
            + " 1..1048576");
    assertThat(backend.configure(MapConfigView.of("tlb.entries", " ")).tlb().entries())
        .isEqualTo(1536);
  }

  @Test
  void everyCostIsDocumented() {
    for (CostClass c : CostClass.values()) {
      assertThat(GenericCosts.DEFAULTS.source(c)).as(c.name()).startsWith("assumption: ");
    }
  }
}
