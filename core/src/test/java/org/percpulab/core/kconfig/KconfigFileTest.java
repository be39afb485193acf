package org.percpulab.core.kconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.core.config.ConfigException;

/** The .config reader: every value form scripts/kconfig writes, and one-line errors. */
class KconfigFileTest {

  @Test
  void readsEveryValueForm(@TempDir Path dir) throws Exception {
    Path f = dir.resolve(".config");
    Files.writeString(f, String.join("\n",
        "#", "# Automatically generated file; DO NOT EDIT.", "#",
        "CONFIG_ARM64=y", "CONFIG_KVM=m", "# CONFIG_KASAN is not set", "CONFIG_NR_CPUS=512",
        "CONFIG_KASAN_SHADOW_OFFSET=0xdfff800000000000", "CONFIG_LOCALVERSION=\"-lab \\\"x\\\"\"",
        "CONFIG_CMDLINE=\"\"", "", "CONFIG_NR_CPUS=256", ""));
    KconfigFile k = KconfigFile.read(f);
    assertThat(k.values()).containsExactly(
        java.util.Map.entry("CONFIG_ARM64", "y"), java.util.Map.entry("CONFIG_KVM", "m"),
        java.util.Map.entry("CONFIG_KASAN", "n"),
        java.util.Map.entry("CONFIG_KASAN_SHADOW_OFFSET", "0xdfff800000000000"),
        java.util.Map.entry("CONFIG_LOCALVERSION", "-lab \"x\""),
        java.util.Map.entry("CONFIG_CMDLINE", ""),
        java.util.Map.entry("CONFIG_NR_CPUS", "256"));
    assertThat(k.lines()).isEqualTo(12);
    assertThat(k.value("CONFIG_SMP")).isNull();
  }

  @Test
  void aMalformedLineIsOneErrorNamingFileAndLine() {
    assertThatThrownBy(() -> KconfigFile.parse("x.config", List.of("CONFIG_A=y", "CONFIG_B=maybe")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kconfig file 'x.config': line 2 'CONFIG_B=maybe' is not allowed; allowed:"
            + " CONFIG_NAME=y|m|\"string\"|number or '# CONFIG_NAME is not set'");
    assertThatThrownBy(() -> KconfigFile.read(Path.of("no-such.config")))
        .hasMessage("kconfig file 'no-such.config': not found");
  }
}
