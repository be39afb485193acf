package org.percpulab.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.TranslationRoots;

/** The two single-root options counted on a scripted mm history; split pays nothing. */
class TranslationRootCostTest {

  @SuppressWarnings("unchecked")
  @Test
  void singleRootCountsCopiesPerCpuAndRewritesPerSwitch() {
    TranslationRootCost r = new TranslationRootCost(4, TranslationRoots.SINGLE, true, 256, 4096,
        2, 3);
    int a = r.created();
    int b = r.created();
    r.run(a, 0);
    r.run(a, 0);
    r.run(b, 0);
    r.run(a, 1);
    r.run(a, 0);
    r.run(a, 2);
    r.destroyed(a);
    int c = r.created();
    r.run(c, 3);
    Map<String, Object> f = r.figures();
    assertThat(f).containsEntry("model", "single").containsEntry("applies", true)
        .containsEntry("mms", 3L).containsEntry("switchMm", 6L);
    Map<String, Object> copy = (Map<String, Object>) f.get("perMmCopy");
    // a ran on CPUs 0, 1, 2: its pgd serves CPU 0, copies for 1 and 2 (freed with a)
    assertThat(copy).containsEntry("tablePagesAllocated", 2L).containsEntry("peakTablePages", 2L)
        .containsEntry("peakTableBytes", 8192L).containsEntry("kernelEntriesCopied", 512L)
        .containsEntry("cycles", 2L * (256 * (2 + 3) + 3));
    Map<String, Object> rw = (Map<String, Object>) f.get("rewriteOnSwitch");
    // a's entry: 0 -> 1 -> 0 -> 2 = three rewrites
    assertThat(rw).containsEntry("tablePagesAllocated", 0L).containsEntry("localEntryRewrites", 3L)
        .containsEntry("cycles", 9L).containsEntry("mmsOnSeveralCpus", 1L);
  }

  @Test
  void splitRootsAndNoLocalMapPayNothingPerMm() {
    for (TranslationRootCost r : new TranslationRootCost[] {TranslationRootCost.none(2),
        new TranslationRootCost(2, TranslationRoots.SINGLE, false, 256, 4096, 1, 1)}) {
      int a = r.created();
      r.run(a, 0);
      r.run(a, 1);
      assertThat(r.applies()).isFalse();
      assertThat(r.figures()).containsEntry("applies", false).containsEntry("switchMm", 2L)
          .doesNotContainKeys("perMmCopy", "rewriteOnSwitch").containsKey("note");
    }
  }
}
