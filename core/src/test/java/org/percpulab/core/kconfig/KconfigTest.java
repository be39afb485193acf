package org.percpulab.core.kconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.config.KernelBuildKeys;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.KconfigMapping;
import org.percpulab.core.spi.KconfigRule;

/** Applying mapping tables: set, keep, limits, unsupported and unregistered targets, conflicts. */
class KconfigTest {

  private static final List<ConfigKey> KEYS = List.of(
      ConfigKey.choice("mm.pageSize", "4K", "page size", "4K", "16K", "64K"),
      ConfigKey.intRange("x.nodes", 1, "nodes", 1, 64),
      ConfigKey.choice("x.atomics", "lse", "atomics", "lse", "llsc"),
      ConfigKey.bool(KernelBuildKeys.RANDOM_KMALLOC_CACHES, false, "r"));

  private static KconfigMapping table(String arch, KconfigRule... rules) {
    return new KconfigMapping() {
      @Override
      public String archSymbol() {
        return arch;
      }

      @Override
      public List<KconfigRule> kconfigRules() {
        return List.of(rules);
      }
    };
  }

  private static final KconfigMapping X = table("CONFIG_X",
      KconfigRule.choice("mm.pageSize", "page", "CONFIG_X_4K", "4K", "CONFIG_X_16K", "16K"),
      KconfigRule.offOnly("CONFIG_X_LSE", "x.atomics", "llsc", "off", "CPU decides"),
      KconfigRule.offOnly("CONFIG_NUMA", "x.nodes", "1", "no numa", "firmware decides"),
      new KconfigRule(List.of("CONFIG_NODES_SHIFT"), "x.nodes", false,
          v -> v.apply("CONFIG_NODES_SHIFT") == null ? null
              : KconfigRule.Outcome.limit(1L << Integer.parseInt(v.apply("CONFIG_NODES_SHIFT")),
                  "max")));

  @Test
  void setsKeysWithTheFileAsSourceAndExplainsEachRule() {
    KconfigFile f = KconfigFile.parse("t.config", List.of("CONFIG_X=y", "# CONFIG_X_4K is not set",
        "CONFIG_X_16K=y", "CONFIG_X_LSE=y", "CONFIG_NUMA=y", "CONFIG_NODES_SHIFT=2",
        "CONFIG_RANDOM_KMALLOC_CACHES=y", "CONFIG_FOO=y"));
    Kconfig.Result r = Kconfig.apply(Config.empty(), f, List.of(new CoreKconfig(), X), KEYS);
    assertThat(r.config().entry("mm.pageSize").orElseThrow().source()).isEqualTo("kconfig:t.config");
    assertThat(r.config().raw("mm.pageSize")).contains("16K");
    assertThat(r.config().note("mm.pageSize")).contains("CONFIG_X_4K=n CONFIG_X_16K=y");
    assertThat(r.config().raw(KernelBuildKeys.RANDOM_KMALLOC_CACHES)).contains("true");
    assertThat(r.config().raw("x.atomics")).isEmpty();
    assertThat(r.lines()).extracting(Kconfig.Line::symbols).containsExactly(
        "CONFIG_RANDOM_KMALLOC_CACHES=y", "CONFIG_X_4K=n CONFIG_X_16K=y", "CONFIG_X_LSE=y",
        "CONFIG_NUMA=y", "CONFIG_NODES_SHIFT=2");
    assertThat(r.lines().get(2).effect()).isEqualTo("keeps x.atomics=lse from default; CPU decides");
    assertThat(r.lines().get(4).effect()).isEqualTo("x.nodes <= 4 (max)");
    assertThat(r.unused()).containsExactly("CONFIG_X", "CONFIG_FOO");
    assertThat(r.checkLimits(Config.of(java.util.Map.of("x.nodes", "4")))).isEmpty();
    assertThat(r.checkLimits(Config.of(java.util.Map.of("x.nodes", "8"))))
        .extracting(p -> p.message()).containsExactly("config key 'x.nodes': value '8' is not"
            + " allowed; allowed: at most 4 (CONFIG_NODES_SHIFT=2 in t.config)");
  }

  @Test
  void anotherArchitecturesTableDoesNotApply() {
    KconfigFile f = KconfigFile.parse("t", List.of("CONFIG_S390=y", "CONFIG_X_16K=y"));
    Kconfig.Result r = Kconfig.apply(Config.empty(), f, List.of(X), KEYS);
    assertThat(r.lines()).isEmpty();
    assertThat(r.config().entries()).isEmpty();
  }

  @Test
  void offOnlySetsWhenOffAndLaterLayersWin() {
    KconfigFile f = KconfigFile.parse("t", List.of("CONFIG_X=y", "# CONFIG_X_LSE is not set"));
    Config c = Kconfig.apply(Config.empty(), f, List.of(X), KEYS).config();
    assertThat(c.raw("x.atomics")).contains("llsc");
    Config top = ConfigLoader.load(c, null, List.of("x.atomics=lse"));
    assertThat(top.entry("x.atomics").orElseThrow().source()).isEqualTo("--set");
    assertThat(top.raw("x.atomics")).contains("lse");
  }

  @Test
  void unregisteredTargetsAndUnsupportedOptionsAreReportedNotDropped() {
    KconfigFile f = KconfigFile.parse("t", List.of("CONFIG_PREEMPT_DYNAMIC=y", "CONFIG_PREEMPT=y",
        "CONFIG_KASAN=y", "CONFIG_KASAN_VMALLOC=y", "# CONFIG_KASAN_SW_TAGS is not set"));
    Kconfig.Result r = Kconfig.apply(Config.empty(), f, List.of(new CoreKconfig()), KEYS);
    assertThat(r.warnings()).containsExactly(
        "CONFIG_PREEMPT_DYNAMIC=y CONFIG_PREEMPT=y: kernel.preempt=dynamic is not modelled by this"
            + " build (no key kernel.preempt); ignored",
        "CONFIG_KASAN=y CONFIG_KASAN_VMALLOC=y: not supported by the model: KASAN shadow memory"
            + " is not modelled (no shadow region in the VA layout, no shadow page tables for"
            + " vmalloc/percpu areas with KASAN_VMALLOC, no instrumented accesses); figures"
            + " assume KASAN off");
    assertThat(r.unused()).isEmpty();
    assertThat(r.config().entries()).isEmpty();
  }

  @Test
  void preemptChoiceFollowsKconfigPreempt() {
    List<ConfigKey> keys = List.of(ConfigKey.choice(CoreKconfig.PREEMPT, "dynamic", "p", "none",
        "voluntary", "full", "lazy", "dynamic"));
    String[][] cases = {
        {"CONFIG_PREEMPT_NONE=y", "none"}, {"CONFIG_PREEMPT_VOLUNTARY=y", "voluntary"},
        {"CONFIG_PREEMPT=y", "full"}, {"CONFIG_PREEMPT_LAZY=y", "lazy"},
        {"CONFIG_PREEMPT_RT=y", "full"}};
    for (String[] c : cases) {
      KconfigFile f = KconfigFile.parse("t", List.of(c[0]));
      assertThat(Kconfig.apply(Config.empty(), f, List.of(new CoreKconfig()), keys).config()
          .raw(CoreKconfig.PREEMPT)).as(c[0]).contains(c[1]);
    }
  }

  @Test
  void twoSymbolsGivingOneKeyDifferentValuesIsAnError() {
    KconfigMapping t = table("", KconfigRule.number("CONFIG_A", "x.nodes", "a"),
        KconfigRule.number("CONFIG_B", "x.nodes", "b"));
    KconfigFile f = KconfigFile.parse("t", List.of("CONFIG_A=2", "CONFIG_B=3"));
    assertThatThrownBy(() -> Kconfig.apply(Config.empty(), f, List.of(t), KEYS))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'x.nodes': value '3' is not allowed; allowed: one value:"
            + " CONFIG_A=2 gives 2 but CONFIG_B=3 gives 3 in t");
  }
}
