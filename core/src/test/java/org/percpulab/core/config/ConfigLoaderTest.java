package org.percpulab.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path tmp;

  @Test
  void nestedMapsFlattenToDottedKeysAndSetWins() throws Exception {
    Path f = Files.writeString(tmp.resolve("c.yaml"), """
        arch: arm64
        cpus: 16
        mm:
          pageSize: 16K
          vaBits: 47
        arm64.kpti: true
        suite:
          cpus: [4, 16, 64]
        """);
    Config c = ConfigLoader.load(f, List.of("cpus=64", "mm.levels = 3", "x=a=b"));
    assertThat(c.entries()).containsExactly(
        new ConfigValue("arch", "arm64", f.toString()),
        new ConfigValue("arm64.kpti", "true", f.toString()),
        new ConfigValue("cpus", "64", "--set"),
        new ConfigValue("mm.levels", "3", "--set"),
        new ConfigValue("mm.pageSize", "16K", f.toString()),
        new ConfigValue("mm.vaBits", "47", f.toString()),
        new ConfigValue("suite.cpus", "4,16,64", f.toString()),
        new ConfigValue("x", "a=b", "--set"));
    assertThat(c.isExplicit("cpus")).isTrue();
    assertThat(c.getInt("cpus")).isEqualTo(64);
  }

  @Test
  void emptyFileIsAnEmptyConfig() throws Exception {
    Path f = Files.writeString(tmp.resolve("empty.yaml"), "# nothing\n");
    assertThat(ConfigLoader.load(f, List.of()).entries()).isEmpty();
  }

  @Test
  void missingFile() {
    Path f = tmp.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file '" + f + "': not found");
  }

  @Test
  void malformedYamlNamesLineAndColumn() throws Exception {
    Path f = Files.writeString(tmp.resolve("bad.yaml"), "cpus: 4\nmm: [16K\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file '" + f + "': malformed YAML at line 3, column 1: "
            + "expected ',' or ']', but got <stream end>");
  }

  @Test
  void topLevelMustBeAMap() throws Exception {
    Path f = Files.writeString(tmp.resolve("list.yaml"), "- cpus\n- 4\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("config file '" + f + "': top level must be a map of keys (e.g. 'cpus: 16'),"
            + " found a list");
  }

  @Test
  void setWithoutEquals() {
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("cpus")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("option '--set': value 'cpus' is not allowed; allowed: key=value"
            + " (e.g. --set cpus=16)");
    assertThatThrownBy(() -> ConfigLoader.load(null, List.of("=4")))
        .hasMessage("option '--set': value '=4' is not allowed; allowed: key=value"
            + " (e.g. --set cpus=16)");
  }
}
