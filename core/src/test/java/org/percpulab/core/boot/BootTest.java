package org.percpulab.core.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigValue;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.plugin.FakeBackend;
import org.percpulab.core.plugin.PluginJars;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MachineTopology;

class BootTest {

  @TempDir
  Path tmp;

  Path plugins;

  @BeforeEach
  void jar() throws Exception {
    plugins = tmp.resolve("plugins");
    PluginJars.backendJar(plugins.resolve("fake.jar"), "fake-plugin", FakeBackend.class);
  }

  private Config user(String... kv) {
    Config c = Config.of(Map.of("arch", "fake", "plugins.dir", plugins.toString()));
    for (int i = 0; i < kv.length; i += 2) {
      c = c.with(kv[i], kv[i + 1], ConfigValue.SET);
    }
    return c;
  }

  @Test
  void resolvesDefaultsAndBackendKeys() {
    ResolvedConfig r = Boot.resolve(user("cpus", "8"));
    try {
      assertThat(r.backend().id()).isEqualTo("fake");
      assertThat(r.config().entry("fake.mode")).contains(new ConfigValue("fake.mode", "fast",
          "default"));
      assertThat(r.config().entry("cpus")).contains(new ConfigValue("cpus", "8", "--set"));
      assertThat(r.config().entry("percpu.localMap")).contains(
          new ConfigValue("percpu.localMap", "auto", "default"));
      assertThat(r.config().raw("mm.vaBits")).isEmpty();
    } finally {
      r.registry().close();
    }
  }

  @Test
  void bootsAndBindsOneInstanceOfEachThing() {
    BootContext ctx = Boot.boot(Boot.resolve(user("cpus", "8", "topology.threadsPerCore", "2",
        "tlb.shared", "smt", "mm.vaBits", "39")));
    try {
      assertThat(ctx.topology()).isEqualTo(new MachineTopology(8, 2, true));
      assertThat(ctx.model().geometry().label()).isEqualTo("4K/39-bit/3-level");
      Injector inj = Boot.injector(ctx);
      assertThat(inj.getInstance(ArchModel.class)).isSameAs(ctx.model());
      assertThat(inj.getInstance(ArchBackend.class)).isSameAs(ctx.backend());
      assertThat(inj.getInstance(ConfigView.class).getInt("cpus")).isEqualTo(8);
      assertThat(inj.getInstance(MachineTopology.class)).isSameAs(ctx.topology());
    } finally {
      ctx.registry().close();
    }
  }

  @Test
  void backendValidationRejectsAVaSizeTheGranuleDoesNotAllow() {
    assertThatThrownBy(() -> Boot.resolve(user("mm.vaBits", "47")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config key 'mm.vaBits': value '47' is not allowed; allowed: 39|48 with the"
            + " 4K granule");
  }

  @Test
  void backendKeysAreCheckedAndUnknownKeysSuggestBackendKeys() {
    assertThatThrownBy(() -> Boot.resolve(user("fake.mode", "medium", "fake.mod", "x")))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).lines()).containsExactly(
            "config key 'fake.mod' is unknown; did you mean 'fake.mode'?",
            "config key 'fake.mode': value 'medium' is not allowed; allowed: fast|slow"));
  }

  @Test
  void unknownArchListsLoadedIds() {
    assertThatThrownBy(() -> Boot.resolve(user("arch", "x86")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config key 'arch': value 'x86' is not allowed; allowed: ")
        .hasMessageContaining("fake");
  }
}
