package org.percpulab.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.ConfigProblem;

class ConfigValidatorTest {

  private final ConfigValidator validator = new ConfigValidator(CoreKeys.all());

  private List<String> problems(Map<String, String> given) {
    Config c = Config.of(given).withDefaults(CoreKeys.all());
    return validator.checkValues(c, List.of("arm64", "generic", "s390")).stream()
        .map(ConfigProblem::message).toList();
  }

  @Test
  void defaultsAreValid() {
    assertThat(problems(Map.of())).isEmpty();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = ';', value = {
      "cpus;0;integer 1..4096",
      "cpus;-1;integer 1..4096",
      "cpus;5000;integer 1..4096",
      "cpus;abc;integer 1..4096",
      "mm.pageSize;8K;4K|16K|64K (or 4096|16384|65536)",
      "topology.threadsPerCore;3;1|2|4|8",
      "tlb.shared;all;none|smt",
      "percpu.localMap;yes;auto|on|off|force",
      "mm.vaBits;100;integer 32..64",
      "mm.levels;6;integer 1..5",
      "arch;x86;arm64|generic|s390"})
  void badValueIsOneLine(String key, String value, String allowed) {
    assertThat(problems(Map.of(key, value)))
        .containsExactly("config key '" + key + "': value '" + value + "' is not allowed; allowed: "
            + allowed);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource({"4K,4096", "16k,16384", "64K,65536", "4096,4096", "65536,65536", "8K,-1", "4M,-1",
      "abc,-1", "'',-1", "1000000000000K,-1"})
  void pageSizes(String raw, long bytes) {
    assertThat(PageSizes.parse(raw)).as(raw).isEqualTo(bytes);
  }

  @Test
  void unknownKeyWithDidYouMean() {
    assertThat(problems(Map.of("cpu", "4")))
        .containsExactly("config key 'cpu' is unknown; did you mean 'cpus'?");
    assertThat(problems(Map.of("mm.pagesize", "4K")))
        .containsExactly("config key 'mm.pagesize' is unknown; did you mean 'mm.pageSize'?");
    assertThat(problems(Map.of("percpu.localmp", "on")))
        .containsExactly("config key 'percpu.localmp' is unknown; did you mean 'percpu.localMap'?");
  }

  @Test
  void unknownKeyFarFromAnyKnownKey() {
    assertThat(problems(Map.of("frobnicate", "1"))).containsExactly(
        "config key 'frobnicate' is unknown; see 'percpu-lab config' for the known keys");
  }

  @Test
  void cpusMustBeAMultipleOfThreadsPerCore() {
    assertThat(problems(Map.of("cpus", "6", "topology.threadsPerCore", "4"))).containsExactly(
        "config key 'cpus': value '6' is not allowed; allowed: a multiple of"
            + " topology.threadsPerCore (4)");
  }

  @Test
  void everyBadValueIsReportedInKeyOrder() {
    assertThat(problems(Map.of("cpus", "0", "tlb.shared", "x", "cpu", "1"))).containsExactly(
        "config key 'cpu' is unknown; did you mean 'cpus'?",
        "config key 'cpus': value '0' is not allowed; allowed: integer 1..4096",
        "config key 'tlb.shared': value 'x' is not allowed; allowed: none|smt");
  }

  @Test
  void editDistance() {
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.distance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.distance("cpus", "cpus")).isZero();
  }
}
