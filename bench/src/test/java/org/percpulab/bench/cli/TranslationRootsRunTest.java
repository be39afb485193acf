package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code run fork} on generic with the experimental local map: one root pays per-mm table pages or
 * local-entry rewrites, split roots pay nothing per mm, the baseline mode never does.
 */
class TranslationRootsRunTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> roots(String rootsModel, String mode) {
    Cli r = Cli.run("run", "fork", "--arch", "generic", "--set", "generic.localMap=on",
        "--set", "generic.roots=" + rootsModel, "--set", "cpus=4", "--param", "forks=60",
        "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Object> modes = (Map<String, Object>) ((Map<String, Object>) r.json())
        .get("modes");
    return (Map<String, Object>) ((Map<String, Object>) modes.get(mode)).get("translationRoots");
  }

  @Test
  @SuppressWarnings("unchecked")
  void singleRootPaysPerMmAndSplitDoesNot() {
    Map<String, Object> single = roots("single", "localMap");
    assertThat(single).containsEntry("model", "single").containsEntry("applies", true);
    long mms = ((Number) single.get("mms")).longValue();
    long switches = ((Number) single.get("switchMm")).longValue();
    assertThat(mms).isPositive();
    assertThat(switches).isGreaterThanOrEqualTo(mms);
    Map<String, Object> copy = (Map<String, Object>) single.get("perMmCopy");
    Map<String, Object> rw = (Map<String, Object>) single.get("rewriteOnSwitch");
    long pages = ((Number) copy.get("tablePagesAllocated")).longValue();
    assertThat(((Number) copy.get("kernelEntriesCopied")).longValue()).isEqualTo(256 * pages);
    assertThat(((Number) rw.get("localEntryRewrites")).longValue()).isGreaterThanOrEqualTo(pages);
    assertThat(roots("single", "baseline")).containsEntry("applies", false);
    Map<String, Object> split = roots("split", "localMap");
    assertThat(split).containsEntry("model", "split").containsEntry("applies", false)
        .containsEntry("mms", single.get("mms")).containsEntry("switchMm", single.get("switchMm"))
        .doesNotContainKeys("perMmCopy", "rewriteOnSwitch");
  }
}
