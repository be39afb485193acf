package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad config value gives exactly one stderr line naming key, value and what is allowed; exit 2. */
class ConfigErrorsCliTest {

  @TempDir
  static Path tmp;

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of(new String[] {"config", "--cpus", "0"},
            "error: config key 'cpus': value '0' is not allowed; allowed: integer 1..4096"),
        Arguments.of(new String[] {"config", "--cpus", "-1"},
            "error: config key 'cpus': value '-1' is not allowed; allowed: integer 1..4096"),
        Arguments.of(new String[] {"config", "--set", "cpus=5000"},
            "error: config key 'cpus': value '5000' is not allowed; allowed: integer 1..4096"),
        Arguments.of(new String[] {"config", "--cpus", "abc"},
            "error: config key 'cpus': value 'abc' is not allowed; allowed: integer 1..4096"),
        Arguments.of(new String[] {"config", "--set", "mm.pageSize=8K"},
            "error: config key 'mm.pageSize': value '8K' is not allowed; allowed: 4K|16K|64K"
                + " (or 4096|16384|65536)"),
        Arguments.of(new String[] {"config", "--set", "mm.pageSize=16K", "--set", "mm.vaBits=39"},
            "error: config key 'mm.vaBits': value '39' is not allowed; allowed: 36|47|48|52 for 16K"
                + " pages"),
        Arguments.of(new String[] {"config", "--set", "cpu=8"},
            "error: config key 'cpu' is unknown; did you mean 'cpus'?"),
        Arguments.of(new String[] {"config", "--set", "arm64.atomic=lse"},
            "error: config key 'arm64.atomic' is unknown; did you mean 'arm64.atomics'?"),
        Arguments.of(new String[] {"config", "--set", "cpus"},
            "error: option '--set': value 'cpus' is not allowed; allowed: key=value"
                + " (e.g. --set cpus=16)"),
        Arguments.of(new String[] {"config", "--arch", "x86"},
            "error: config key 'arch': value 'x86' is not allowed; allowed: arm64|generic|s390"),
        Arguments.of(new String[] {"config", "--set", "topology.threadsPerCore=3"},
            "error: config key 'topology.threadsPerCore': value '3' is not allowed;"
                + " allowed: 1|2|4|8"),
        Arguments.of(new String[] {"config", "--set", "percpu.localMap=yes"},
            "error: config key 'percpu.localMap': value 'yes' is not allowed;"
                + " allowed: auto|on|off|force"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badValues")
  void badValueIsOneLineAndExit2(String[] args, String line) {
    Cli r = Cli.run(args);
    assertThat(r.err()).isEqualTo(line + "\n");
    assertThat(r.out()).isEmpty();
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void everyBadValueGetsItsOwnLine() {
    Cli r = Cli.run("config", "--cpus", "0", "--set", "tlb.shared=all");
    assertThat(r.err()).isEqualTo(
        "error: config key 'cpus': value '0' is not allowed; allowed: integer 1..4096\n"
            + "error: config key 'tlb.shared': value 'all' is not allowed; allowed: none|smt\n");
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void malformedYaml() throws Exception {
    Path f = Files.writeString(tmp.resolve("bad.yaml"), "cpus: 4\narch: [arm64\n");
    Cli r = Cli.run("config", "--config", f.toString());
    assertThat(r.err()).isEqualTo("error: config file '" + f + "': malformed YAML at line 3,"
        + " column 1: expected ',' or ']', but got <stream end>\n");
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void missingFile() {
    Path f = tmp.resolve("missing.yaml");
    Cli r = Cli.run("config", "--config", f.toString());
    assertThat(r.err()).isEqualTo("error: config file '" + f + "': not found\n");
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void badValueInTheFileIsReportedLikeOnTheCommandLine() throws Exception {
    Path f = Files.writeString(tmp.resolve("cpus.yaml"), "cpus: 0\n");
    Cli r = Cli.run("config", "--config", f.toString());
    assertThat(r.err()).isEqualTo(
        "error: config key 'cpus': value '0' is not allowed; allowed: integer 1..4096\n");
    assertThat(r.code()).isEqualTo(2);
  }

  @Test
  void usageErrorsExit2() {
    Cli r = Cli.run("config", "--format", "xml");
    assertThat(r.err()).isEqualTo("error: option '--format': value 'xml' is not allowed; allowed:"
        + " text|json|markdown\ntry 'percpu-lab config --help'\n");
    assertThat(r.code()).isEqualTo(2);
    assertThat(Cli.run("no-such-command").code()).isEqualTo(2);
    Cli none = Cli.run();
    assertThat(none.err()).startsWith("error: missing COMMAND; allowed: plugins|");
    assertThat(none.code()).isEqualTo(2);
  }
}
