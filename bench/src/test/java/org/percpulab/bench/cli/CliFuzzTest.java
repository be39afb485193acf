package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Table-driven fuzz of bad command-line input. Commands and their options come from picocli's
 * {@link CommandSpec} of {@link Main}, so a new command or option is fuzzed without editing this
 * test. Every case must give exit 2, exactly one {@code error:} line naming the option or key, no
 * stack trace and no output left behind. Seeded: a failure prints the seed and the case.
 */
class CliFuzzTest {
  /** Valid positionals for commands that require them (others get "x"). */
  private static final Map<String, List<String>> POSITIONALS = Map.of(
      "run", List.of("fork"),
      "walk", List.of("0xffff800080000000"),
      "hotplug", List.of("add", "0x140000000", "128M"));
  private static final List<String> MALFORMED_NUMBERS = List.of("abc", "1.5", "0x", "--", "1e3",
      "99999999999999999999", "");
  private static final List<String> BAD_CPUS = List.of("0", "4097", "-1", "abc", "0x10", "1.5",
      "16K");

  record Case(String command, List<String> args, String mustName) { }

  @TempDir
  Path tmp;

  @Test
  void everyBadInputIsOneErrorLineAndExit2() throws IOException {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    Random rnd = new Random(seed);
    List<Case> cases = cases(rnd);
    assertThat(cases.size()).as("generated cases").isGreaterThanOrEqualTo(200);
    long t0 = System.nanoTime();
    int i = 0;
    for (Case c : cases) {
      Path out = tmp.resolve("out-" + i++);
      List<String> args = new ArrayList<>();
      args.add(c.command());
      args.addAll(c.args());
      if (takesOut(c.command())) {
        args.add("--out");
        args.add(out.toString());
      }
      long c0 = System.nanoTime();
      Cli r = Cli.run(args.toArray(new String[0]));
      long ms = (System.nanoTime() - c0) / 1_000_000;
      if (ms > 500) {
        System.out.println("CliFuzzTest: slow case " + ms + " ms: " + args);
      }
      String what = "seed " + seed + " (rerun with -Dfuzz.seed=" + seed + "), case " + args;
      long errors = r.err().lines().filter(l -> l.startsWith("error:")).count();
      assertThat(r.code()).as(what + "\n" + r.err()).isEqualTo(2);
      assertThat(errors).as(what + "\n" + r.err()).isEqualTo(1);
      String line = r.err().lines().filter(l -> l.startsWith("error:")).findFirst().orElseThrow();
      assertThat(line).as(what).contains(c.mustName());
      assertThat(r.err()).as(what).doesNotContain("\tat ").doesNotContain("Exception");
      assertThat(Files.exists(out)).as(what + ": output left behind").isFalse();
      assertThat(Files.exists(tmp.resolve("required-" + c.command()))).as(what
          + ": output left behind").isFalse();
    }
    System.out.printf("CliFuzzTest: %d bad inputs over %d commands in %d ms (seed %d)%n",
        cases.size(), commands().size(), (System.nanoTime() - t0) / 1_000_000, seed);
  }

  private static final CommandLine MAIN = Main.commandLine();

  private static boolean takesOut(String command) {
    return MAIN.getSubcommands().get(command).getCommandSpec().findOption("--out") != null;
  }

  static List<String> commands() {
    List<String> names = new ArrayList<>();
    for (String n : MAIN.getSubcommands().keySet()) {
      if (!n.equals("help")) {
        names.add(n);
      }
    }
    return names;
  }

  private List<Case> cases(Random rnd) throws IOException {
    Path dup = write("dup.yaml", "cpus: 4\ncpus: 8\n");
    Path nested = write("nested.yaml", "mm.pageSize: 4K\nmm:\n  pageSize: 16K\n");
    Path hex = write("hex.yaml", "cpus: 0x10\n");
    Path list = write("list.yaml", "- a\n- b\n");
    Path broken = write("broken.yaml", "cpus: [1, 2\n");
    Path binary = tmp.resolve("binary.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3, 0x28});
    List<Case> out = new ArrayList<>();
    for (String cmd : commands()) {
      CommandSpec spec = MAIN.getSubcommands().get(cmd).getCommandSpec();
      List<String> pos = positionals(cmd, spec);
      String unknown = "--no-such-" + Integer.toString(rnd.nextInt(1 << 20), 36);
      out.add(new Case(cmd, with(pos, unknown), unknown));
      out.add(new Case(cmd, with(pos, "--format", "xml"), "--format"));
      for (OptionSpec o : spec.options()) {
        if (o.usageHelp() || o.versionHelp() || o.arity().max == 0) {
          continue;
        }
        Class<?> t = o.isMultiValue() && o.auxiliaryTypes().length > 0 ? o.auxiliaryTypes()[0]
            : o.type();
        if (isNumber(t)) {
          String bad = MALFORMED_NUMBERS.get(rnd.nextInt(MALFORMED_NUMBERS.size()));
          out.add(new Case(cmd, with(pos, values(o, bad)), o.longestName()));
        }
        Bounds b = Bounds.Of.of(o);
        if (b != null) {
          out.add(new Case(cmd, with(pos, values(o, String.valueOf(b.max() + 1))),
              o.longestName()));
          out.add(new Case(cmd, with(pos, values(o, String.valueOf(b.min() - 1))),
              o.longestName()));
          long far = b.max() + 1 + (long) (rnd.nextDouble() * 1e9);
          out.add(new Case(cmd, with(pos, values(o, String.valueOf(far))), o.longestName()));
        }
      }
      String cpus = BAD_CPUS.get(rnd.nextInt(BAD_CPUS.size()));
      out.add(new Case(cmd, with(pos, "--set", "cpus=" + cpus), "'cpus'"));
      out.add(new Case(cmd, with(pos, "--set", "mm.memory=" + pick(rnd, "1K", "65T", "lots")),
          "'mm.memory'"));
      String key = "nosuch" + rnd.nextInt(1000) + ".key";
      out.add(new Case(cmd, with(pos, "--set", key + "=1"), "'" + key + "'"));
      out.add(new Case(cmd, with(pos, "--set", "noequals"), "--set"));
      out.add(new Case(cmd, with(pos, "--set", "topology.threadsPerCore=" + pick(rnd, "3", "0",
          "two")), "'topology.threadsPerCore'"));
      out.add(new Case(cmd, with(pos, "--set", "percpu.localMap=" + pick(rnd, "yes", "1", "")),
          "'percpu.localMap'"));
      out.add(new Case(cmd, with(pos, "--config", tmp.resolve("missing.yaml").toString()),
          "missing.yaml"));
      out.add(new Case(cmd, with(pos, "--config", tmp.toString()), "config file"));
      out.add(new Case(cmd, with(pos, "--config", dup.toString()), "dup.yaml"));
      out.add(new Case(cmd, with(pos, "--config", nested.toString()), "'mm.pageSize'"));
      out.add(new Case(cmd, with(pos, "--config", hex.toString()), "'cpus'"));
      out.add(new Case(cmd, with(pos, "--config", list.toString()), "list.yaml"));
      out.add(new Case(cmd, with(pos, "--config", broken.toString()), "broken.yaml"));
      out.add(new Case(cmd, with(pos, "--config", binary.toString()), "binary.yaml"));
      out.add(new Case(cmd, with(pos, "--plugins-dir", tmp.resolve("no-plugins").toString()),
          "'plugins.dir'"));
      out.add(new Case(cmd, with(pos, "--arch", "nosuch"), "arch'"));
    }
    return out;
  }

  private static String pick(Random rnd, String... s) {
    return s[rnd.nextInt(s.length)];
  }

  /** The option with {@code value} as often as its arity needs. */
  private static List<String> values(OptionSpec o, String value) {
    List<String> l = new ArrayList<>();
    l.add(o.longestName());
    int n = Math.max(1, o.arity().min);
    for (int i = 0; i < n; i++) {
      l.add(i == 0 ? value : "0");
    }
    return l;
  }

  /** Valid positionals, plus every required option with a fresh path under the temp dir. */
  private List<String> positionals(String cmd, CommandSpec spec) {
    List<String> l = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (o.required()) {
        l.add(o.longestName());
        l.add(tmp.resolve("required-" + cmd).toString());
      }
    }
    if (POSITIONALS.containsKey(cmd)) {
      l.addAll(0, POSITIONALS.get(cmd));
      return l;
    }
    for (ArgSpec p : spec.positionalParameters()) {
      for (int i = 0; i < p.arity().min; i++) {
        l.add("x");
      }
    }
    return l;
  }

  private static List<String> with(List<String> pos, String... args) {
    return with(pos, Arrays.asList(args));
  }

  private static List<String> with(List<String> pos, List<String> args) {
    List<String> l = new ArrayList<>(pos);
    l.addAll(args);
    return l;
  }

  private static boolean isNumber(Class<?> t) {
    return t == int.class || t == Integer.class || t == long.class || t == Long.class;
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  /** Bad plugin jars: one line each naming the jar, in words, no PF4J stack trace (exit 1). */
  @Test
  void badJarsAreOneLineEach() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("plugins"));
    Files.writeString(dir.resolve("garbage.jar"), "not a zip");
    try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("empty.jar")))) {
      z.putNextEntry(new java.util.zip.ZipEntry("a.txt"));
    }
    java.util.jar.Manifest mf = new java.util.jar.Manifest();
    mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
    try (var j = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("noid.jar")),
        mf)) {
      j.putNextEntry(new java.util.zip.ZipEntry("b.txt"));
    }
    Cli r = Cli.run("plugins", "--plugins-dir", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().toList()).containsExactly(
        "error: plugin jar '" + dir.resolve("empty.jar") + "': not a percpu-lab plugin: the jar"
            + " has no manifest (META-INF/MANIFEST.MF)",
        "error: plugin jar '" + dir.resolve("garbage.jar") + "': not a jar file (cannot be read"
            + " as a zip archive)",
        "error: plugin jar '" + dir.resolve("noid.jar") + "': not a percpu-lab plugin: no"
            + " Plugin-Id in its manifest");
    Cli boot = Cli.run("boot", "--plugins-dir", dir.toString());
    assertThat(boot.code()).as(boot.err()).isZero();
    assertThat(boot.err().lines().filter(l -> l.startsWith("warning: plugin jar")).count())
        .isEqualTo(3);
    assertThat(boot.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  /** picocli's own parser is what the fuzz drives. */
  @Test
  void commandsComeFromThePicocliSpec() {
    assertThat(commands()).contains("run", "suite", "boot", "config", "hotplug");
  }
}
