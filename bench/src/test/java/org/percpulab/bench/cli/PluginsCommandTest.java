package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.core.plugin.FakeBackend;
import org.percpulab.core.plugin.OtherFakeBackend;
import org.percpulab.core.plugin.PluginJars;

class PluginsCommandTest {

  @TempDir
  Path tmp;

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Cli r) {
    return (List<Map<String, Object>>) r.json();
  }

  static Map<String, Object> byId(List<Map<String, Object>> list, String id) {
    return list.stream().filter(o -> id.equals(o.get("id"))).findFirst().orElseThrow();
  }

  @Test
  void inTreeBackendsAsJson() throws Exception {
    Cli r = Cli.run("plugins", "--format", "json", "--plugins-dir",
        java.nio.file.Files.createDirectories(tmp.resolve("none")).toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    List<Map<String, Object>> list = list(r);
    assertThat(list).extracting(o -> o.get("id")).containsExactly("arm64", "generic", "s390");
    for (Map<String, Object> o : list) {
      assertThat(o).containsKeys("id", "version", "source", "features", "geometries");
      assertThat(o.get("source")).isEqualTo("classpath");
      assertThat((String) o.get("version")).matches("\\d+\\.\\d+\\.\\d+.*");
    }
    assertThat(byId(list, "arm64").get("features")).isEqualTo(List.of("HAVE_LOCAL_PER_CPU_MAP"));
    // generic selects it for its experimental local map (capability only with generic.localMap=on)
    assertThat(byId(list, "generic").get("features")).isEqualTo(List.of("HAVE_LOCAL_PER_CPU_MAP"));
    assertThat(byId(list, "s390").get("features")).isEqualTo(List.of("HAVE_LOCAL_PER_CPU_MAP"));
    assertThat((List<?>) byId(list, "arm64").get("geometries")).hasSize(10);
  }

  @Test
  void externalJarIsListedAndSelectable() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path jar = PluginJars.backendJar(dir.resolve("fake.jar"), "fake-plugin", FakeBackend.class);
    Cli r = Cli.run("plugins", "--format", "json", "--plugins-dir", dir.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    List<Map<String, Object>> list = list(r);
    assertThat(list).extracting(o -> o.get("id"))
        .containsExactly("arm64", "fake", "generic", "s390");
    assertThat(byId(list, "fake")).containsEntry("source", jar.toString())
        .containsEntry("version", "9.9.9").containsEntry("features", List.of("FAKE_FEATURE"));

    Cli c = Cli.run("config", "--plugins-dir", dir.toString(), "--arch", "fake", "--format",
        "json");
    assertThat(c.err()).isEmpty();
    assertThat(c.code()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> doc = (Map<String, Map<String, Object>>) c.json();
    assertThat(doc.get("fake.mode")).containsEntry("value", "fast");
  }

  @Test
  void twoJarsWithOneIdGiveTheDuplicateError() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path a = PluginJars.backendJar(dir.resolve("a.jar"), "fake-a", FakeBackend.class);
    Path b = PluginJars.backendJar(dir.resolve("b.jar"), "fake-b", FakeBackend.class);
    String dup = "duplicate backend id 'fake': " + a + " and " + b;
    Cli r = Cli.run("plugins", "--plugins-dir", dir.toString());
    assertThat(r.err()).isEqualTo("error: " + dup + "\n");
    assertThat(r.code()).isEqualTo(1);

    Cli c = Cli.run("config", "--plugins-dir", dir.toString(), "--arch", "fake");
    assertThat(c.err()).isEqualTo("warning: " + dup + "\n"
        + "error: config key 'arch': value 'fake' is ambiguous; " + dup + "\n");
    assertThat(c.code()).isEqualTo(2);
  }

  @Test
  void aJarThatDuplicatesAClasspathBackendIsReported() throws Exception {
    Path dir = tmp.resolve("plugins");
    Path jar = PluginJars.backendJar(dir.resolve("my-arm64.jar"), "my-arm64", Arm64Impostor.class,
        FakeBackend.class);
    Cli r = Cli.run("plugins", "--plugins-dir", dir.toString());
    assertThat(r.err()).isEqualTo("error: duplicate backend id 'arm64': classpath and " + jar + "\n");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void brokenJarIsNamedAndTheOthersStillLoad() throws Exception {
    Path dir = tmp.resolve("plugins");
    PluginJars.backendJar(dir.resolve("other.jar"), "other", OtherFakeBackend.class,
        FakeBackend.class);
    Path broken = PluginJars.write(dir.resolve("broken.jar"), "broken",
        List.of("org.example.Missing"), FakeBackend.class);
    Cli r = Cli.run("plugins", "--plugins-dir", dir.toString());
    assertThat(r.err()).isEqualTo("error: plugin jar '" + broken + "': class org.example.Missing"
        + " listed in META-INF/services cannot be loaded: ClassNotFoundException:"
        + " org.example.Missing\n");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out().lines().map(l -> l.split(" +")[0]).toList())
        .containsExactly("ID", "arm64", "generic", "other", "s390");

    Cli boot = Cli.run("config", "--plugins-dir", dir.toString(), "--arch", "other");
    assertThat(boot.code()).isZero();
    assertThat(boot.err()).startsWith("warning: plugin jar '" + broken + "'");
  }

  @Test
  void textListing() throws Exception {
    Cli r = Cli.run("plugins", "--plugins-dir", Files.createDirectories(tmp.resolve("e")).toString());
    assertThat(r.code()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).matches("ID +VERSION +SOURCE +FEATURES +GEOMETRIES");
    assertThat(lines.get(1)).matches("arm64 +\\S+ +classpath +HAVE_LOCAL_PER_CPU_MAP +4K/48-bit/4-level .*");
    assertThat(lines.get(2)).matches("generic +\\S+ +classpath +HAVE_LOCAL_PER_CPU_MAP +.*");
  }

  /** A plugin that claims the id of an in-tree backend. */
  public static class Arm64Impostor extends FakeBackend {
    @Override public String id() { return "arm64"; }
  }
}
