package org.percpulab.core.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.spi.ArchBackend;

class ArchRegistryTest {

  @TempDir
  Path tmp;

  @Test
  void absentPluginsDirIsFine() {
    try (ArchRegistry r = ArchRegistry.load(tmp.resolve("nope"))) {
      assertThat(r.errors()).isEmpty();
      assertThat(r.ids()).doesNotContain(FakeBackend.ID);
    }
  }

  @Test
  void externalJarIsListedAndSelectedOnce() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path jar = PluginJars.backendJar(dir.resolve("fake.jar"), "fake-plugin", FakeBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      assertThat(r.errors()).isEmpty();
      assertThat(r.ids()).contains(FakeBackend.ID);
      LoadedBackend b = r.select(FakeBackend.ID);
      assertThat(b.source().label()).isEqualTo(jar.toString());
      assertThat(b.source().pluginId()).isEqualTo("fake-plugin");
      assertThat(b.backend().version()).isEqualTo("9.9.9");
      assertThat(b.backend().features()).containsExactly("FAKE_FEATURE");
      // loaded by the plugin's own class loader, against core's ArchBackend
      assertThat(b.backend().getClass().getClassLoader())
          .isNotSameAs(ArchBackend.class.getClassLoader());
      assertThat(r.select(FakeBackend.ID).backend()).isSameAs(b.backend());
    }
  }

  @Test
  void twoJarsWithOneBackendIdAreADuplicate() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path a = PluginJars.backendJar(dir.resolve("a.jar"), "fake-a", FakeBackend.class);
    Path b = PluginJars.backendJar(dir.resolve("b.jar"), "fake-b", FakeBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      String line = "duplicate backend id 'fake': " + a + " and " + b;
      assertThat(r.errors()).extracting(PluginLoadError::message).containsExactly(line);
      assertThatThrownBy(() -> r.select("fake")).isInstanceOf(ConfigException.class)
          .hasMessage("config key 'arch': value 'fake' is ambiguous; " + line);
    }
  }

  @Test
  void twoJarsWithOnePluginIdAreADuplicate() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path a = PluginJars.backendJar(dir.resolve("a.jar"), "same", FakeBackend.class);
    Path b = PluginJars.backendJar(dir.resolve("b.jar"), "same", OtherFakeBackend.class,
        FakeBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      assertThat(r.errors()).extracting(PluginLoadError::message).containsExactly(
          "plugin jar '" + b + "': duplicate plugin id 'same' (already loaded from '" + a + "')");
      assertThat(r.ids()).contains("fake").doesNotContain("other");
    }
  }

  @Test
  void brokenJarsAreReportedAndTheOthersStillLoad() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path good = PluginJars.backendJar(dir.resolve("good.jar"), "good", OtherFakeBackend.class,
        FakeBackend.class);
    Path noId = PluginJars.backendJar(dir.resolve("no-id.jar"), null, FakeBackend.class);
    Path missing = PluginJars.write(dir.resolve("missing.jar"), "missing",
        List.of("org.example.NoSuchBackend"), FakeBackend.class);
    Path throwing = PluginJars.backendJar(dir.resolve("throwing.jar"), "throwing",
        ThrowingBackend.class, FakeBackend.class);
    Path garbage = Files.writeString(dir.resolve("garbage.jar"), "not a zip");
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      assertThat(r.ids()).contains("other").doesNotContain("fake", "throwing");
      assertThat(r.select("other").source().label()).isEqualTo(good.toString());
      List<String> msgs = r.errors().stream().map(PluginLoadError::message).toList();
      assertThat(msgs).hasSize(4);
      assertThat(msgs.get(0)).isEqualTo("plugin jar '" + garbage
          + "': not a jar file (cannot be read as a zip archive)");
      assertThat(msgs.get(1)).isEqualTo("plugin jar '" + missing
          + "': class org.example.NoSuchBackend listed in META-INF/services cannot be loaded: "
          + "ClassNotFoundException: org.example.NoSuchBackend");
      assertThat(msgs.get(2)).isEqualTo("plugin jar '" + noId
          + "': not a percpu-lab plugin: no Plugin-Id in its manifest");
      assertThat(msgs.get(3)).isEqualTo("plugin jar '" + throwing + "': backend class "
          + ThrowingBackend.class.getName()
          + " cannot be created: IllegalStateException: boom in constructor");
      assertThat(r.errors()).extracting(PluginLoadError::source).containsExactly(
          garbage.toString(), missing.toString(), noId.toString(), throwing.toString());
    }
  }

  @Test
  void jarCarryingItsOwnCopyOfCoreIsExplained() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path jar = PluginJars.backendJar(dir.resolve("fat.jar"), "fat", FakeBackend.class,
        ArchBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      assertThat(r.ids()).doesNotContain("fake");
      assertThat(r.errors()).extracting(PluginLoadError::message).containsExactly(
          "plugin jar '" + jar + "': class " + FakeBackend.class.getName()
              + " implements a different copy of org.percpulab.core.spi.ArchBackend"
              + " (the jar must not contain core classes: use <scope>provided</scope>)");
    }
  }

  @Test
  void unknownIdListsTheValidIds() throws Exception {
    Path dir = tmp.resolve("plugins");
    PluginJars.backendJar(dir.resolve("fake.jar"), "fake-plugin", FakeBackend.class);
    PluginJars.backendJar(dir.resolve("other.jar"), "other-plugin", OtherFakeBackend.class,
        FakeBackend.class);
    try (ArchRegistry r = ArchRegistry.load(dir)) {
      String ids = String.join("|", r.ids());
      assertThat(ids).contains("fake|").contains("other");
      assertThatThrownBy(() -> r.select("x86")).isInstanceOf(ConfigException.class)
          .hasMessage("config key 'arch': value 'x86' is not allowed; allowed: " + ids);
    }
  }
}
