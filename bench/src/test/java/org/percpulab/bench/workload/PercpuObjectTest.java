package org.percpulab.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sizes alloc_percpu is given, re-derived from the v6.17-rc3 struct layouts (arm64, LP64). */
class PercpuObjectTest {

  static int roundUp(int x, int a) {
    return (x + a - 1) / a * a;
  }

  @Test
  void memcgVmstatsPercpuIsCacheAligned() {
    int memcgNodeStatItems = 33; // memcg_node_stat_items with SWAP, NUMA_BALANCING, HUGETLB
    int memcgStatItems = 7; // memcg_stat_items
    int vmstatSize = memcgNodeStatItems + memcgStatItems;
    int events = 29; // memcg_vm_event_stat with SWAP, ZSWAP, THP, NUMA_BALANCING, !MEMCG_V1
    int header = 8 + 8 + 8; // stats_updates (padded), parent_pcpu, vmstats
    int size = roundUp(header + 8 * (2 * vmstatSize + 2 * events), 64);
    assertThat(size).isEqualTo(1152);
    assertThat(PercpuObject.MEMCG_VMSTATS_PERCPU.size()).isEqualTo(size);
    assertThat(PercpuObject.MEMCG_VMSTATS_PERCPU.align()).isEqualTo(64);
  }

  @Test
  void lruvecStatsPercpuIsTwoArraysOfNodeItems() {
    assertThat(PercpuObject.LRUVEC_STATS_PERCPU.size()).isEqualTo(2 * 33 * 8);
  }

  @Test
  void cgroupRstatAndPsi() {
    int cgroupBaseStat = 24 + 8; // task_cputime + ntime
    assertThat(PercpuObject.CGROUP_RSTAT_BASE_CPU.size()).isEqualTo(4 * cgroupBaseStat);
    // updated_children, updated_next, lnode (struct llist_node: one pointer), owner
    assertThat(PercpuObject.CSS_RSTAT_CPU.size()).isEqualTo(4 * 8);
    int line1 = roundUp(4 + 4 * 4 + 4 + 8 * 4, 8) + 8; // seq, tasks[4], state_mask, times[8], start
    assertThat(roundUp(line1, 64) + 2 * 8 * 4).isEqualTo(PercpuObject.PSI_GROUP_CPU.size());
    assertThat(PercpuObject.PSI_GROUP_CPU.align()).isEqualTo(64);
  }

  @Test
  void mmObjects() {
    assertThat(PercpuObject.MM_RSS_STAT.size()).isEqualTo(4 * 4); // NR_MM_COUNTERS x s32
    assertThat(PercpuObject.MM_RSS_STAT.align()).isEqualTo(4);
    assertThat(PercpuObject.MM_CID.size()).isEqualTo(8 + 4 + 4);
    assertThat(PercpuObject.PERCPU_REF.size()).isEqualTo(8);
    assertThat(PercpuObject.WB_DOMAIN_COMPLETIONS.size()).isEqualTo(4);
  }

  @Test
  void aMemcgAllocatesAbout2600BytesPerCpuWithTwoNodes() {
    // self ref, bpf ref, memory css ref, objcg ref, perf_event css ref
    int perMemcg = 5 * PercpuObject.PERCPU_REF.size() + 2 * PercpuObject.CSS_RSTAT_CPU.size()
        + PercpuObject.CGROUP_RSTAT_BASE_CPU.size() + PercpuObject.PSI_GROUP_CPU.size()
        + PercpuObject.MEMCG_VMSTATS_PERCPU.size() + 2 * PercpuObject.LRUVEC_STATS_PERCPU.size()
        + PercpuObject.WB_DOMAIN_COMPLETIONS.size() + PercpuObject.PERF_CGROUP_INFO.size();
    assertThat(perMemcg).isEqualTo(2604)
        .isEqualTo(MemcgObjects.bytesPerCpu(MemcgObjects.Controllers.MEMORY, 2));
    // distro set: + io (blkcg lhead, css ref, css rstat) + 6 more css refs
    assertThat(MemcgObjects.bytesPerCpu(MemcgObjects.Controllers.DISTRO, 2))
        .isEqualTo(2604 + 8 + 8 + 32 + 6 * 8);
  }

  @Test
  void mmFutexRefAndPerfCgroupInfo() {
    assertThat(PercpuObject.MM_FUTEX_REF.size()).isEqualTo(4); // unsigned int
    assertThat(PercpuObject.PERF_CGROUP_INFO.size()).isEqualTo(3 * 8 + 8); // 3 u64 + int, padded
    assertThat(PercpuObject.BLKCG_LHEAD.size()).isEqualTo(8);
  }
}
