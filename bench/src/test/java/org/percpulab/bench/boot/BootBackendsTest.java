package org.percpulab.bench.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.config.Config;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MachineTopology;

/** Each in-tree backend boots on its defaults through Boot and the Guice modules. */
class BootBackendsTest {

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"arm64", "generic", "s390"})
  void bootsOnDefaults(String arch) {
    BootContext ctx = Boot.boot(Boot.resolve(Config.of(Map.of("arch", arch,
        "plugins.dir", tmp.resolve("none").toString()))));
    try {
      assertThat(ctx.backend().id()).isEqualTo(arch);
      assertThat(ctx.topology()).isEqualTo(new MachineTopology(4, 1, false));
      assertThat(ctx.model().geometry())
          .isEqualTo(ctx.backend().supportedGeometries().get(0));
      Injector inj = Boot.injector(ctx);
      assertThat(inj.getInstance(ArchModel.class)).isSameAs(ctx.model());
      assertThat(inj.getInstance(ArchBackend.class)).isSameAs(ctx.backend());
    } finally {
      ctx.registry().close();
    }
  }
}
