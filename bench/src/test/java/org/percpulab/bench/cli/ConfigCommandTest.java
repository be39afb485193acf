package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {

  @TempDir
  Path tmp;

  @Test
  @SuppressWarnings("unchecked")
  void jsonShowsEachValueWithItsSource() throws Exception {
    Path f = Files.writeString(tmp.resolve("c.yaml"), "mm:\n  pageSize: 16K\ncpus: 8\n");
    Cli r = Cli.run("config", "--format", "json", "--config", f.toString(), "--set", "cpus=16",
        "--set", "arm64.atomics=llsc");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    Map<String, Map<String, Object>> doc = (Map<String, Map<String, Object>>) r.json();
    assertThat(doc.get("cpus")).containsEntry("value", "16").containsEntry("source", "--set");
    assertThat(doc.get("mm.pageSize")).containsEntry("value", "16K")
        .containsEntry("source", f.toString());
    assertThat(doc.get("arch")).containsEntry("value", "arm64").containsEntry("source", "default")
        .containsEntry("allowed", "arm64|generic|s390");
    assertThat(doc.get("arm64.atomics")).containsEntry("value", "llsc");
    assertThat(doc.get("mm.vaBits")).containsEntry("value", "48").containsEntry("source", "derived");
    assertThat(doc).doesNotContainKey("s390.z196");
    assertThat(List.copyOf(doc.keySet())).isSorted();
  }

  @Test
  void textTableAndAll() {
    Cli r = Cli.run("config", "--arch", "generic");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("KEY ").contains("\narch  ").doesNotContain("arm64.atomics");
    assertThat(r.out().lines().filter(l -> l.startsWith("arch ")).findFirst().orElseThrow())
        .matches("arch +generic +--set +arm64\\|generic\\|s390");
    assertThat(Cli.run("config", "--arch", "generic", "--all").out()).contains("arm64.atomics");
  }

  @Test
  void outputIsDeterministic() {
    assertThat(Cli.run("config", "--format", "json").out())
        .isEqualTo(Cli.run("config", "--format", "json").out());
  }
}
