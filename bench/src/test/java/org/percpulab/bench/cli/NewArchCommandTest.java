package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.PluginLoadError;

/**
 * {@code new-arch}: bad input is one line (exit 2); a generated project builds offline against this
 * reactor's just-built artifacts (copied into a private local repository, third-party artifacts
 * read from the shared one as a read-only tail: nothing is installed into it), its conformance test
 * runs the whole kit without a skip, and the jar loads as a plugin.
 */
class NewArchCommandTest {

  @TempDir
  Path tmp;

  @Test
  void badIdAndNonEmptyDirAreOneLineErrors() throws IOException {
    Cli bad = Cli.run("new-arch", "Risc-V", "--dir", tmp.resolve("x").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().strip()).isEqualTo("error: new-arch: id 'Risc-V' is not allowed; allowed: "
        + "[a-z][a-z0-9_]*, at most 32 characters (a Java package name part)");
    Files.writeString(tmp.resolve("y.txt"), "x");
    Cli busy = Cli.run("new-arch", "demo", "--dir", tmp.toString());
    assertThat(busy.code()).isEqualTo(2);
    assertThat(busy.err().strip()).startsWith("error: new-arch: --dir '").endsWith(
        "' exists and is not an empty directory; allowed: a new or empty directory");
  }

  @Test
  void pluginVersionsMatchTheParentPom() throws IOException {
    Properties v = versions();
    String pom = Files.readString(Path.of("..", "pom.xml"));
    for (String[] p : new String[][] {{"compilerPlugin", "maven-compiler-plugin"},
        {"surefirePlugin", "maven-surefire-plugin"}, {"jarPlugin", "maven-jar-plugin"},
        {"resourcesPlugin", "maven-resources-plugin"}, {"cleanPlugin", "maven-clean-plugin"},
        {"installPlugin", "maven-install-plugin"}}) {
      Matcher m = Pattern.compile("<artifactId>" + p[1] + "</artifactId>\\s*<version>([^<]+)<")
          .matcher(pom);
      assertThat(m.find()).as(p[1]).isTrue();
      assertThat(v.getProperty(p[0])).as(p[1]).isEqualTo(m.group(1));
    }
  }

  @Test
  void generatedPluginBuildsOfflineLoadsAndPassesTheKit() throws Exception {
    Path project = tmp.resolve("demo-plugin");
    Cli gen = Cli.run("new-arch", "demo", "--dir", project.toString());
    assertThat(gen.code()).as(gen.err()).isZero();
    assertThat(project.resolve("mvnw")).isExecutable();
    assertThat(project.resolve("src/main/java/org/percpulab/plugins/demo/DemoBackend.java"))
        .content().contains("TODO(new-arch)").contains("arch/demo/Kconfig");
    Path repo = tmp.resolve("repo");
    String version = versions().getProperty("core");
    seed(repo, version);
    String shared = System.getProperty("maven.repo.local",
        Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
    List<String> cmd = new ArrayList<>(List.of("./mvnw", "-q", "-B", "-o", "package",
        "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + shared));
    Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("build.log").toFile()).start();
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("build finished").isTrue();
    String log = Files.readString(tmp.resolve("build.log"));
    assertThat(p.exitValue()).as("generated plugin build:\n%s", log).isZero();
    Path target = project.resolve("target");
    assertThat(target.resolve("percpu-lab-arch-demo-0.1.0.jar")).exists();
    int tests = 0;
    try (Stream<Path> reports = Files.list(target.resolve("surefire-reports"))) {
      for (Path r : (Iterable<Path>) reports.filter(x -> x.toString().endsWith(".xml"))::iterator) {
        String xml = Files.readString(r);
        tests += attr(xml, "tests");
        assertThat(attr(xml, "failures") + attr(xml, "errors")).as("%s", r).isZero();
        assertThat(attr(xml, "skipped")).as("percpu half ran too (%s)", r).isZero();
      }
    }
    assertThat(tests).as("kit tests run").isGreaterThan(10);
    try (ArchRegistry r = ArchRegistry.load(target)) {
      assertThat(r.errors()).extracting(PluginLoadError::message).isEmpty();
      assertThat(r.ids()).contains("demo");
    }
  }

  private static int attr(String xml, String name) {
    Matcher m = Pattern.compile("<testsuite[^>]*\\s" + name + "=\"(\\d+)\"").matcher(xml);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** Copies the reactor's parent pom and the kit's artifacts into a private local repository. */
  private static void seed(Path repo, String v) throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    put(repo, "percpu-lab", v, root.resolve("pom.xml"), ".pom");
    for (String m : List.of("core", "mm-vmalloc", "mm-percpu")) {
      Path t = root.resolve(m).resolve("target");
      put(repo, m, v, root.resolve(m).resolve("pom.xml"), ".pom");
      put(repo, m, v, t.resolve(m + "-" + v + ".jar"), ".jar");
      Path tests = t.resolve(m + "-" + v + "-tests.jar");
      if (Files.exists(tests)) {
        put(repo, m, v, tests, "-tests.jar");
      }
    }
  }

  private static void put(Path repo, String artifact, String v, Path from, String suffix)
      throws IOException {
    assertThat(from).as("reactor artifact (run through 'mvn verify')").exists();
    Path dir = repo.resolve("org/percpulab").resolve(artifact).resolve(v);
    Files.createDirectories(dir);
    Files.copy(from, dir.resolve(artifact + "-" + v + suffix), StandardCopyOption.REPLACE_EXISTING);
  }

  private static Properties versions() throws IOException {
    Properties v = new Properties();
    try (InputStream in = NewArchCommand.class.getResourceAsStream(
        "/org/percpulab/bench/newarch/versions.properties")) {
      v.load(in);
    }
    return v;
  }
}
