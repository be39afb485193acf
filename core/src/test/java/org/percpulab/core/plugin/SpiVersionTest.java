package org.percpulab.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.core.spi.SpiVersion;

/**
 * SPI versions: a jar whose {@code Plugin-Requires} this core accepts loads, an incompatible one is
 * refused with one line naming the jar and both versions while the other jars still load.
 */
class SpiVersionTest {

  @TempDir
  Path tmp;

  @Test
  void semverRules() {
    SpiVersion core = new SpiVersion(1, 1, 0);
    assertThat(core.accepts(new SpiVersion(1, 0, 0))).as("older minor").isTrue();
    assertThat(core.accepts(new SpiVersion(1, 1, 0))).as("same").isTrue();
    assertThat(core.accepts(new SpiVersion(1, 1, 1))).as("newer patch").isFalse();
    assertThat(core.accepts(new SpiVersion(1, 2, 0))).as("newer minor").isFalse();
    assertThat(core.accepts(new SpiVersion(2, 0, 0))).as("other major").isFalse();
    assertThat(core.accepts(new SpiVersion(0, 1, 0))).as("other major").isFalse();
    assertThat(new SpiVersion(0, 3, 1).accepts(new SpiVersion(0, 2, 0))).as("0.x: minor must "
        + "match").isFalse();
    assertThat(SpiVersion.parse("^1.0.0")).contains(new SpiVersion(1, 0, 0));
    assertThat(SpiVersion.parse(">=1.1.0")).contains(new SpiVersion(1, 1, 0));
    assertThat(SpiVersion.parse("1.x")).isEmpty();
  }

  @Test
  void currentEqualsThePomProperty() throws Exception {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    Matcher m = Pattern.compile("<percpulab.spi.version>([^<]+)</percpulab.spi.version>")
        .matcher(pom);
    assertThat(m.find()).as("parent pom declares percpulab.spi.version").isTrue();
    assertThat(m.group(1)).isEqualTo(SpiVersion.CURRENT.toString());
  }

  @Test
  void compatibleJarLoadsIncompatibleIsRefusedByName() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path ok = PluginJars.write(dir.resolve("a-compatible.jar"), "compatible", "1.0.0",
        List.of(FakeBackend.class.getName()), FakeBackend.class);
    Path bad = PluginJars.write(dir.resolve("b-incompatible.jar"), "incompatible", "2.0.0",
        List.of(OtherFakeBackend.class.getName()), OtherFakeBackend.class, FakeBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      assertThat(r.ids()).contains(FakeBackend.ID).doesNotContain("other");
      assertThat(r.find(FakeBackend.ID).orElseThrow().source().label()).isEqualTo(ok.toString());
      assertThat(r.errors()).extracting(PluginLoadError::message).containsExactly(
          "plugin jar '" + bad + "': built for SPI 2.0.0 (Plugin-Requires), core provides SPI "
              + SpiVersion.CURRENT + ": incompatible, rebuild the plugin against core's SPI 1.x");
    }
  }

  @Test
  void newerMinorAndGarbageAreRefusedUndeclaredLoads() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path newer = PluginJars.write(dir.resolve("a.jar"), "newer", "1.9.0",
        List.of(FakeBackend.class.getName()), FakeBackend.class);
    Path garbage = PluginJars.write(dir.resolve("b.jar"), "garbage", "latest",
        List.of(FakeBackend.class.getName()), FakeBackend.class);
    PluginJars.write(dir.resolve("c.jar"), "undeclared", null,
        List.of(OtherFakeBackend.class.getName()), OtherFakeBackend.class, FakeBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      assertThat(r.ids()).contains("other").doesNotContain(FakeBackend.ID);
      assertThat(r.errors()).extracting(PluginLoadError::message).containsExactly(
          "plugin jar '" + newer + "': built for SPI 1.9.0 (Plugin-Requires), core provides SPI "
              + SpiVersion.CURRENT + ": incompatible, rebuild the plugin against core's SPI 1.x",
          "plugin jar '" + garbage + "': Plugin-Requires 'latest' is not an SPI version X.Y.Z; "
              + "core provides SPI " + SpiVersion.CURRENT);
    }
  }
}
