package org.percpulab.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.percpulab.core.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code percpu-lab new-arch ID --dir DIR}: writes a buildable arch plugin project (pom with the
 * right scopes and versions, the Maven wrapper, one class per SPI role with TODOs naming the kernel
 * files to read, a conformance test extending the kit, a README). The classes start as a copy of the
 * generic backend, so the project builds and passes the kit before the first edit.
 */
@Command(name = "new-arch", description = {
    "Write a new arch plugin project (Maven, PF4J jar) to start a backend from.",
    "It builds with './mvnw -q -B package' once percpu-lab's artifacts are installed",
    "(see the project's README) and passes the conformance kit as written."})
public final class NewArchCommand extends BaseCommand {

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final String BASE = "/org/percpulab/bench/newarch/";
  /** Placeholder, versions.properties key. */
  private static final String[][] VERSION_KEYS = {{"__CORE_VERSION__", "core"},
      {"__SPI__", "spi"}, {"__PF4J__", "pf4j"}, {"__JUNIT__", "junit"}, {"__ASSERTJ__", "assertj"},
      {"__LOG4J__", "log4j"}, {"__COMPILER_PLUGIN__", "compilerPlugin"},
      {"__SUREFIRE__", "surefirePlugin"}, {"__JAR_PLUGIN__", "jarPlugin"},
      {"__RESOURCES_PLUGIN__", "resourcesPlugin"}, {"__CLEAN_PLUGIN__", "cleanPlugin"},
      {"__INSTALL_PLUGIN__", "installPlugin"}};
  private static final String[] ROLES = {"Backend", "Model", "Geometry", "Layout", "Descriptors",
      "Ops", "PerCpuAreas", "Costs"};

  @Parameters(index = "0", paramLabel = "ID", description = "Backend id: [a-z][a-z0-9_]*, "
      + "e.g. riscv64.")
  String id;

  @Option(names = "--dir", required = true, paramLabel = "DIR",
      description = "Directory to create (must not exist or be empty).")
  Path dir;

  @Override
  protected int run() throws IOException {
    if (!ID.matcher(id).matches()) {
      throw new ConfigException("new-arch: id '" + id + "' is not allowed; allowed: "
          + "[a-z][a-z0-9_]*, at most 32 characters (a Java package name part)");
    }
    if (Files.exists(dir) && (!Files.isDirectory(dir) || Files.list(dir).findAny().isPresent())) {
      throw new ConfigException("new-arch: --dir '" + dir + "' exists and is not an empty "
          + "directory; allowed: a new or empty directory");
    }
    Map<String, String> files = render(id);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = dir.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    dir.resolve("mvnw").toFile().setExecutable(true, false);
    out().println("wrote " + files.size() + " files to " + dir + " (plugin id " + id
        + "); next: cd " + dir + " && ./mvnw -q -B package (see its README.md)");
    return ExitCodes.OK;
  }

  /** Every file of the project for {@code id}, by relative path. */
  static Map<String, String> render(String id) throws IOException {
    Properties v = new Properties();
    try (InputStream in = NewArchCommand.class.getResourceAsStream(BASE + "versions.properties")) {
      v.load(in);
    }
    String name = Character.toUpperCase(id.charAt(0)) + id.substring(1).replace("_", "");
    String pkg = "org.percpulab.plugins." + id;
    Map<String, String> sub = new LinkedHashMap<>();
    sub.put("__PKG__", pkg);
    sub.put("__Name__", name);
    sub.put("__ID__", id);
    for (String[] k : VERSION_KEYS) {
      sub.put(k[0], v.getProperty(k[1]));
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put("pom.xml", fill("pom.xml.tmpl", sub));
    out.put("README.md", fill("README.md.tmpl", sub));
    out.put("mvnw", template("mvnw.tmpl"));
    out.put("mvnw.cmd", template("mvnw.cmd.tmpl"));
    out.put(".mvn/wrapper/maven-wrapper.properties", template("maven-wrapper.properties.tmpl"));
    out.put(".gitignore", "target/\n");
    String src = "src/main/java/" + pkg.replace('.', '/') + "/";
    for (String role : ROLES) {
      out.put(src + name + role + ".java", fill(role + ".java.tmpl", sub));
    }
    out.put("src/test/java/" + pkg.replace('.', '/') + "/" + name + "ConformanceTest.java",
        fill("ConformanceTest.java.tmpl", sub));
    return out;
  }

  private static String fill(String template, Map<String, String> sub) throws IOException {
    String s = template(template);
    for (Map.Entry<String, String> e : sub.entrySet()) {
      s = s.replace(e.getKey(), e.getValue());
    }
    return s;
  }

  private static String template(String name) throws IOException {
    try (InputStream in = NewArchCommand.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IOException("new-arch: template " + name + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
