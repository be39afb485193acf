package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.bench.report.PathTable;
import org.percpulab.bench.workload.Workloads;

/** byPath: the per-path split adds up to the run's totals and the shares to the whole change. */
class PathAttributionTest {

  @Test
  void pathsAddUpToTheTotalsOnTheSimulatedMachine() {
    for (String w : List.of("kernel-build", "memcg-create")) {
      RunResult r = new WorkloadRunner(DifferentialTest.factory("arm64"), new SysCostModel(), 1,
          3, Progress.quiet()).run(Workloads.create(w, DifferentialTest.CPUS,
          DifferentialTest.small(w)));
      for (ModeResult m : List.of(r.baseline(), r.localMap())) {
        long ops = 0;
        long pt = 0;
        for (long[] v : m.byPath().values()) {
          ops += v[0];
          pt += v[1];
        }
        assertThat(ops).as(w + " op cycles").isEqualTo(m.opCycles());
        assertThat(pt).as(w + " chunk page-table cycles").isEqualTo(m.chunkPageTableCycles());
      }
      double share = 0;
      for (PathTable.Row row : PathTable.rows(r)) {
        share += row.sharePercent();
        assertThat(row.delta()).isEqualTo(row.localMap() - row.baseline());
      }
      assertThat(share).as(w).isCloseTo(100.0, org.assertj.core.data.Offset.offset(0.1));
      if (w.equals("kernel-build")) {
        assertThat(r.baseline().byPath()).containsKeys(
            "page fault: vmstat update",
            "page fault: memcg charge/stat",
            "page fault: mm rss counter");
        // the small run's areas all fit the first chunk: no chunk is created, and pcpu_alloc's
        // memset of a first-chunk area reaches it through the MMU, no page-table work
        assertThat(r.baseline().chunksCreated()).isZero();
        assertThat(r.baseline().byPath()).doesNotContainKey(PathAttribution.CHUNK_PATH);
      } else {
        assertThat(r.baseline().chunksCreated()).isPositive();
        assertThat(r.baseline().byPath().get(PathAttribution.CHUNK_PATH)[1]).isPositive();
      }
    }
  }

  @Test
  void eventPathsAreNamedAfterTheKernelPaths() {
    RunResult r = new WorkloadRunner(new FakeFactory("fake", 4, true), new SysCostModel(), 1, 9,
        Progress.quiet()).run(Workloads.create("fork", 4, Map.of("forks", 20L)));
    assertThat(r.baseline().byPath()).containsKeys("fork (copy_process, mm_init): process count",
        "exit (do_exit, mm teardown): mm rss counter");
    List<Object> json = PathTable.json(r);
    assertThat(json).isNotEmpty();
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) json.get(0);
    assertThat(first).containsOnlyKeys("path", "baselineCycles", "localMapCycles", "deltaCycles",
        "shareOfChangePercent");
  }
}
