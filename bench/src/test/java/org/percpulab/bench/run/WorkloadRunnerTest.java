package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.bench.cli.Json;
import org.percpulab.bench.report.ResultsJson;
import org.percpulab.bench.workload.Workloads;

class WorkloadRunnerTest {

  private static RunResult run(boolean localMap) {
    WorkloadRunner r = new WorkloadRunner(new FakeFactory("fake", 4, localMap), new SysCostModel(),
        2, 9, Progress.quiet());
    return r.run(Workloads.create("fork", 4, Map.of("forks", 20L)));
  }

  @Test
  void bothModesRunTheSameStreamAndChangeFollowsTheCosts() {
    RunResult r = run(true);
    assertThat(r.baseline().percpuOps()).isEqualTo(r.localMap().percpuOps());
    assertThat(r.baseline().counterDigest()).isEqualTo(r.localMap().counterDigest());
    assertThat(r.baseline().opCycles()).isEqualTo(10 * r.baseline().percpuOps());
    assertThat(r.localMap().opCycles()).isEqualTo(4 * r.localMap().percpuOps());
    assertThat(r.changePercent()).isEqualTo(-60.0);
    assertThat(r.sysChangePercent()).isLessThan(0).isGreaterThan(-60.0);
    assertThat(r.baseline().events().get("FORK")).isEqualTo(1 + 4 + 20);
  }

  @Test
  void withoutTheLocalMapTheLocalModeIsTheBaselineMarkedUnavailable() {
    RunResult r = run(false);
    assertThat(r.localMap().available()).isFalse();
    assertThat(r.localMap().note()).isEqualTo("local map not available on fake: backend does not"
        + " select HAVE_LOCAL_PER_CPU_MAP; figures are the baseline's");
    assertThat(r.localMap().percpuCycles()).isEqualTo(r.baseline().percpuCycles());
    assertThat(r.changePercent()).isEqualTo(0.0);
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonHasEveryFieldPerModeAndIsDeterministic() {
    Map<String, Object> j = ResultsJson.run(run(true));
    assertThat(j).containsKeys("modes", "changePercent", "sysChangePercent", "sysCostAssumptions",
        "scaling", "params");
    Map<String, Object> modes = (Map<String, Object>) j.get("modes");
    assertThat(modes).containsOnlyKeys("baseline", "localMap");
    for (Object m : modes.values()) {
      assertThat((Map<String, Object>) m).containsKeys("percpuOps", "instructions", "byOpType",
          "percpuCycles", "tlbHits", "tlbMisses", "chunksCreated", "chunksDestroyed",
          "percpuBytes", "localMapVirtualBytes", "perCpuPageTableBytes", "pageTableBytesTotal",
          "chunkPageTableCycles");
      Map<String, Object> byType = (Map<String, Object>) ((Map<String, Object>) m).get("byOpType");
      assertThat(byType).containsKeys("this_cpu_add_8", "__this_cpu_inc_8", "raw_cpu_add_8",
          "this_cpu_try_cmpxchg_4", "this_cpu_add_return_4");
    }
    Map<String, Object> costs = (Map<String, Object>) j.get("sysCostAssumptions");
    assertThat((Map<String, Long>) costs.get("perEvent")).containsEntry("PAGE_FAULT", 2500L);
    assertThat(Json.write(ResultsJson.run(run(true)))).isEqualTo(Json.write(j));
  }

  @Test
  void sysCostOverridesAreValidated() {
    assertThat(new SysCostModel().with(List.of("page-fault=3000")).table())
        .containsEntry("PAGE_FAULT", 3000L);
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new SysCostModel().with(List.of("PAGEFAULT=1")))
        .hasMessageStartingWith("--sys-cost PAGEFAULT=1: unknown event; allowed: MEMCG_CREATE,");
  }
}
