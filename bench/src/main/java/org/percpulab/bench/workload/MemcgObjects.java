package org.percpulab.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * The percpu objects one {@code mkdir} of a cgroup allocates on Linux v6.17 (kernel/cgroup/cgroup.c
 * cgroup_mkdir -> cgroup_create, then cgroup_apply_control_enable -> css_create for each enabled
 * controller in subsystem-id order, include/linux/cgroup_subsys.h), in allocation order, for a
 * controller set:
 *
 * <ol>
 * <li>cgroup_create: percpu_ref_init(&cgrp->self.refcnt); css_rstat_init(&cgrp->self)
 *     (kernel/cgroup/rstat.c: rstat_base_cpu first, then the self css's rstat_cpu);
 *     psi_cgroup_alloc (kernel/sched/psi.c); cgroup_bpf_inherit: percpu_ref_init(&cgrp->bpf.refcnt)
 *     (kernel/bpf/cgroup.c).
 * <li>css_create per controller: ss->css_alloc(), then percpu_ref_init(&css->refcnt), then
 *     css_rstat_init(css) when the controller has css_rstat_flush (memory, io), then online_css.
 *     memory: mem_cgroup_alloc (memcg_vmstats_percpu; per node lruvec_stats_percpu, both
 *     GFP_KERNEL_ACCOUNT; memcg_wb_domain_init's percpu_counter), online: obj_cgroup_alloc's
 *     percpu_ref. io: blkcg_css_alloc's llist heads. perf_event (implicit on the default
 *     hierarchy): perf_cgroup_info. cpuset, cpu, hugetlb, pids, rdma, misc: css_alloc allocates no
 *     percpu memory (their css still gets its refcnt).
 * </ol>
 *
 * Controller sets (a workload parameter): {@link Controllers#MEMORY} = "+memory" in the parent's
 * cgroup.subtree_control (the seed's test), {@link Controllers#DISTRO} = cpuset cpu io memory
 * hugetlb pids rdma misc (assumption: what a systemd distribution's root cgroup.subtree_control
 * shows, e.g. Ubuntu 24.04); perf_event is implicit in both (CONFIG_CGROUP_PERF=y).
 */
public final class MemcgObjects {
  private MemcgObjects() { }

  /** The controller set a mkdir enables. */
  public enum Controllers {
    MEMORY, DISTRO;

    /** Controllers in subsystem-id order, implicit perf_event included. */
    public List<String> names() {
      return this == MEMORY ? List.of("memory", "perf_event")
          : List.of("cpuset", "cpu", "io", "memory", "perf_event", "hugetlb", "pids", "rdma",
              "misc");
    }
  }

  /** What the model does with an object's pointer. */
  enum Role { NONE, SELF_REF, SELF_RSTAT, CSS_REF, CSS_RSTAT, VMSTATS, LRUVEC, OBJCG_REF }

  /**
   * One allocation site.
   *
   * @param name the field it fills, e.g. {@code memcg->vmstats_percpu}
   * @param kind size and alignment
   * @param perMemcg allocations per mkdir (lruvec: one per node)
   * @param accounted GFP_KERNEL_ACCOUNT: charged to the creating task's memcg
   * @param role what the model uses the pointer for
   */
  public record Site(String name, PercpuObject kind, int perMemcg, boolean accounted, Role role) {
    public String kernelStruct() {
      return switch (kind) {
        case PERCPU_REF -> "unsigned long (percpu_ref)";
        case WB_DOMAIN_COMPLETIONS -> "s32 (percpu_counter)";
        case BLKCG_LHEAD -> "struct llist_head";
        default -> "struct " + kind.kernelName();
      };
    }
  }

  /** The sites of one mkdir, in allocation order, for {@code nodes} NUMA nodes. */
  public static List<Site> sites(Controllers c, int nodes) {
    List<Site> l = new ArrayList<>();
    l.add(new Site("cgrp->self.refcnt", PercpuObject.PERCPU_REF, 1, false, Role.SELF_REF));
    l.add(new Site("cgrp->rstat_base_cpu", PercpuObject.CGROUP_RSTAT_BASE_CPU, 1, false,
        Role.NONE));
    l.add(new Site("cgrp->self.rstat_cpu", PercpuObject.CSS_RSTAT_CPU, 1, false,
        Role.SELF_RSTAT));
    l.add(new Site("cgrp->psi->pcpu", PercpuObject.PSI_GROUP_CPU, 1, false, Role.NONE));
    l.add(new Site("cgrp->bpf.refcnt", PercpuObject.PERCPU_REF, 1, false, Role.NONE));
    for (String ss : c.names()) {
      switch (ss) {
        case "memory" -> {
          l.add(new Site("memcg->vmstats_percpu", PercpuObject.MEMCG_VMSTATS_PERCPU, 1, true,
              Role.VMSTATS));
          l.add(new Site("memcg->nodeinfo[nid]->lruvec_stats_percpu",
              PercpuObject.LRUVEC_STATS_PERCPU, nodes, true, Role.LRUVEC));
          l.add(new Site("memcg->cgwb_domain completions", PercpuObject.WB_DOMAIN_COMPLETIONS, 1,
              false, Role.NONE));
          l.add(new Site("memory css->refcnt", PercpuObject.PERCPU_REF, 1, false, Role.CSS_REF));
          l.add(new Site("memory css->rstat_cpu", PercpuObject.CSS_RSTAT_CPU, 1, false,
              Role.CSS_RSTAT));
          l.add(new Site("objcg->refcnt", PercpuObject.PERCPU_REF, 1, false, Role.OBJCG_REF));
        }
        case "io" -> {
          l.add(new Site("blkcg->lhead", PercpuObject.BLKCG_LHEAD, 1, false, Role.NONE));
          l.add(new Site("io css->refcnt", PercpuObject.PERCPU_REF, 1, false, Role.NONE));
          l.add(new Site("io css->rstat_cpu", PercpuObject.CSS_RSTAT_CPU, 1, false, Role.NONE));
        }
        case "perf_event" -> {
          l.add(new Site("perf_cgroup->info", PercpuObject.PERF_CGROUP_INFO, 1, false,
              Role.NONE));
          l.add(new Site("perf_event css->refcnt", PercpuObject.PERCPU_REF, 1, false, Role.NONE));
        }
        default -> l.add(new Site(ss + " css->refcnt", PercpuObject.PERCPU_REF, 1, false,
            Role.NONE));
      }
    }
    return l;
  }

  /** Requested bytes per CPU of one mkdir: the sum over the sites of size x count. */
  public static long bytesPerCpu(Controllers c, int nodes) {
    long sum = 0;
    for (Site s : sites(c, nodes)) {
      sum += (long) s.kind().size() * s.perMemcg();
    }
    return sum;
  }

  /** The source file and function of each site, from its kind. */
  static String source(Site s) {
    return s.kind().source();
  }
}
