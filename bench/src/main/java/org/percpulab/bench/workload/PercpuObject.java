package org.percpulab.bench.workload;

/**
 * The dynamically allocated percpu objects the modelled kernel paths allocate, with the size and
 * alignment {@code alloc_percpu(type)} passes for a typical arm64 distro config of Linux v6.17-rc3
 * (4K pages, 64-bit, L1_CACHE_BYTES = 64, CONFIG_MEMCG_V1=n, CONFIG_SWAP=y, CONFIG_ZSWAP=y,
 * CONFIG_TRANSPARENT_HUGEPAGE=y, CONFIG_NUMA_BALANCING=y, CONFIG_HUGETLB_PAGE=y, CONFIG_PSI=y,
 * CONFIG_IRQ_TIME_ACCOUNTING=y, CONFIG_SCHED_CORE=n, CONFIG_CGROUP_BPF=y, CONFIG_CGROUP_WRITEBACK=y,
 * CONFIG_SCHED_MM_CID=y). Sizes are derived by hand from the struct definitions named in each
 * entry (no kernel text is copied); where a config choice changes a size the entry says so.
 */
public enum PercpuObject {

  /**
   * lib/percpu-refcount.c percpu_ref_init: one {@code unsigned long} per CPU, aligned to
   * max(sizeof(unsigned long), 1 << __PERCPU_REF_FLAG_BITS) = 8. Used for css->refcnt,
   * cgroup->bpf.refcnt and obj_cgroup->refcnt.
   */
  PERCPU_REF(8, 8, "lib/percpu-refcount.c percpu_ref_init"),

  /**
   * kernel/cgroup/rstat.c css_rstat_init: struct css_rstat_cpu (include/linux/cgroup-defs.h,
   * v6.17: updated_children + updated_next (two pointers, 16), lnode (struct llist_node, one
   * pointer, 8, the lockless update list) and owner (back pointer, 8)) = 32 bytes, aligned 8.
   */
  CSS_RSTAT_CPU(32, 8, "kernel/cgroup/rstat.c css_rstat_init; include/linux/cgroup-defs.h"),

  /**
   * kernel/cgroup/rstat.c css_rstat_init (self css only): struct cgroup_rstat_base_cpu = bsync
   * (u64_stats_sync, empty on 64-bit) + 4 x struct cgroup_base_stat (task_cputime 24 + ntime 8 =
   * 32; +8 with CONFIG_SCHED_CORE=y) = 128 bytes.
   */
  CGROUP_RSTAT_BASE_CPU(128, 8, "kernel/cgroup/rstat.c css_rstat_init; include/linux/cgroup-defs.h"),

  /**
   * kernel/sched/psi.c psi_cgroup_alloc: struct psi_group_cpu (include/linux/psi_types.h), two
   * cache lines: seq + tasks[4] + state_mask + times[8] + state_start in the first, times_prev[2][8]
   * in the second (NR_PSI_STATES = 8 with CONFIG_IRQ_TIME_ACCOUNTING) = 128 bytes, aligned 64.
   */
  PSI_GROUP_CPU(128, 64, "kernel/sched/psi.c psi_cgroup_alloc; include/linux/psi_types.h"),

  /**
   * mm/memcontrol.c mem_cgroup_alloc: struct memcg_vmstats_percpu = stats_updates (4, padded to 8)
   * + parent_pcpu + vmstats (16) + state[40] + events[29] + state_prev[40] + events_prev[29]
   * (8 bytes each) = 1128, ____cacheline_aligned -> 1152 bytes, aligned 64. MEMCG_VMSTAT_SIZE = 33
   * memcg_node_stat_items + 7 memcg_stat_items; NR_MEMCG_EVENTS = 29 memcg_vm_event_stat entries.
   */
  MEMCG_VMSTATS_PERCPU(1152, 64, "mm/memcontrol.c mem_cgroup_alloc, struct memcg_vmstats_percpu"),

  /**
   * mm/memcontrol.c alloc_mem_cgroup_per_node_info, once per possible node: struct
   * lruvec_stats_percpu = state[33] + state_prev[33] longs = 528 bytes.
   */
  LRUVEC_STATS_PERCPU(528, 8, "mm/memcontrol.c alloc_mem_cgroup_per_node_info"),

  /**
   * mm/memcontrol.c memcg_wb_domain_init -> mm/page-writeback.c wb_domain_init ->
   * lib/flex_proportions.c fprop_global_init -> percpu_counter_init: one s32 per CPU.
   */
  WB_DOMAIN_COMPLETIONS(4, 4, "lib/flex_proportions.c fprop_global_init (percpu_counter)"),

  /**
   * kernel/events/core.c perf_cgroup_css_alloc (perf_event is implicit_on_dfl: a css in every
   * cgroup of the default hierarchy with CONFIG_CGROUP_PERF=y): struct perf_cgroup_info
   * (include/linux/perf_event.h, v6.17: time, timestamp, timeoffset (3 x u64) + int active,
   * padded to 8) = 32 bytes.
   */
  PERF_CGROUP_INFO(32, 8, "kernel/events/core.c perf_cgroup_css_alloc; include/linux/perf_event.h"),

  /**
   * block/blk-cgroup.c blkcg_css_alloc -> init_blkcg_llists: one struct llist_head (one pointer)
   * per CPU = 8 bytes.
   */
  BLKCG_LHEAD(8, 8, "block/blk-cgroup.c blkcg_css_alloc (init_blkcg_llists)"),

  /**
   * kernel/futex/core.c futex_mm_init (from kernel/fork.c mm_init, CONFIG_FUTEX_PRIVATE_HASH=y):
   * mm->futex_ref = alloc_percpu(unsigned int) = 4 bytes, then this_cpu_inc on it; freed by
   * futex_hash_free from __mmdrop.
   */
  MM_FUTEX_REF(4, 4, "kernel/futex/core.c futex_mm_init"),

  /**
   * kernel/fork.c mm_init -> percpu_counter_init_many(mm->rss_stat, NR_MM_COUNTERS = 4): one
   * allocation of 4 x s32 (lib/percpu_counter.c), aligned 4.
   */
  MM_RSS_STAT(16, 4, "kernel/fork.c mm_init; lib/percpu_counter.c percpu_counter_init_many"),

  /**
   * kernel/fork.c mm_init -> mm_alloc_cid: struct mm_cid (include/linux/mm_types.h: u64 time,
   * int cid, int recent_cid) = 16 bytes.
   */
  MM_CID(16, 8, "kernel/fork.c mm_init -> mm_alloc_cid; include/linux/mm_types.h struct mm_cid");

  private final int size;
  private final int align;
  private final String source;
  private final String kernelName = name().toLowerCase(java.util.Locale.ROOT);

  PercpuObject(int size, int align, String source) {
    this.size = size;
    this.align = align;
    this.source = source;
  }

  public int size() {
    return size;
  }

  public int align() {
    return align;
  }

  /** Kernel file and function that allocates it. */
  public String source() {
    return source;
  }

  /** Kernel spelling, e.g. {@code memcg_vmstats_percpu}. */
  public String kernelName() {
    return kernelName;
  }
}
