package org.percpulab.bench.workload;

import static org.percpulab.core.spi.OpForm.RAW_CPU;
import static org.percpulab.core.spi.OpForm.THIS_CPU;
import static org.percpulab.core.spi.OpForm.UNDERSCORE_THIS_CPU;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * The kernel paths the workloads drive, lowered to percpu work on a {@link KernelModel}: which
 * percpu objects each path allocates and frees, and which {@code this_cpu_*} ops it runs on which
 * counters. Every path's Javadoc names the kernel source it follows (Linux v6.17-rc3,
 * repo Kingxukai/linux) or says "assumption" and why. Values read back from the model steer the
 * paths where the kernel's do (memcg_rstat_updated's batch, percpu_counter's batch, vmstat
 * thresholds, the thread-stack cache), so the op stream itself checks the simulated memory.
 *
 * <p>Modelled: percpu allocations, this_cpu ops, per_cpu_ptr reads/writes of percpu memory.
 * Not modelled (counted as "rest of the kernel" by the runner's cost assumptions): locks, page
 * allocation itself, page zeroing, page-table work of user mms, slab allocations, the memcg
 * charge stock (this_cpu_ptr + plain accesses, no this_cpu op), RCU.
 *
 * <p>Counter values are folded into {@link #digest()} when an object is freed and at the end, so
 * differential tests can compare runs on different backends and modes.
 */
public final class ModelledKernel {

  /** MEMCG_CHARGE_BATCH (include/linux/memcontrol.h): rstat update batching threshold. */
  static final int MEMCG_CHARGE_BATCH = 64;
  /** THREAD_SIZE / PAGE_SIZE on arm64 with 4K pages (16K stacks, asm/memory.h MIN_THREAD_SHIFT). */
  static final int STACK_PAGES = 4;
  /** NR_CACHED_STACKS (kernel/fork.c). */
  static final int NR_CACHED_STACKS = 2;
  /** Assumption: page-table pages of a small process's mm (pgd, pud, pmd, pte tables). */
  static final int MM_PGTABLE_PAGES = 4;
  /** Assumption: VM_ACCOUNT areas a fork copies (heap, stack) each accounted by vm_acct_memory. */
  static final int FORK_ACCOUNTED_VMAS = 2;
  /** Assumption: vm_committed_as batch (mm/util.c mm_compute_batch on a 16-32 GiB machine). */
  static final int VM_COMMITTED_BATCH = 256;
  /** MM_CID_UNSET (include/linux/mm_types.h) as stored in the 4-byte cid. */
  static final long MM_CID_UNSET = 0xFFFF_FFFFL;

  /** NR_MM_COUNTERS members (include/linux/mm_types_task.h). */
  static final int MM_FILEPAGES = 0;
  static final int MM_ANONPAGES = 1;
  static final int MM_SWAPENTS = 2;
  static final int MM_SHMEMPAGES = 3;

  /**
   * Node stat items the paths touch: index in enum node_stat_item (include/linux/mmzone.h, order
   * as in v6.17; only which byte of vm_node_stat_diff is touched depends on it) and in
   * memcg_node_stat_items (mm/memcontrol.c, exact).
   */
  enum NodeStat {
    NR_INACTIVE_ANON(0, 0), NR_ACTIVE_ANON(1, 1), NR_ANON_MAPPED(17, 14), NR_FILE_MAPPED(18, 15),
    NR_FILE_PAGES(19, 16), NR_SHMEM(23, 19), NR_KERNEL_STACK_KB(30, 23), NR_PAGETABLE(31, 24);

    final int node;
    final int memcg;

    NodeStat(int node, int memcg) {
      this.node = node;
      this.memcg = memcg;
    }
  }

  /** Assumption: NR_VM_NODE_STAT_ITEMS for this config (struct per_cpu_nodestat's diff array). */
  static final int NR_VM_NODE_STAT_ITEMS = 48;
  /** NR_VM_ZONE_STAT_ITEMS (enum zone_stat_item with CONFIG_UNACCEPTED_MEMORY=n): 11 + 1. */
  static final int NR_VM_ZONE_STAT_ITEMS = 12;
  /** NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON (enum zone_stat_item). */
  static final int NR_ZONE_INACTIVE_ANON = 1;
  static final int NR_ZONE_ACTIVE_ANON = 2;
  /** enum numa_stat_item: NUMA_HIT = 0, NUMA_LOCAL = 4. */
  static final int NUMA_HIT = 0;
  static final int NUMA_LOCAL = 4;
  /**
   * Assumption: positions in enum vm_event_item (include/linux/vm_event_item.h) for PGALLOC_NORMAL,
   * PGFREE, PGFAULT with ZONE_DMA, DMA32, NORMAL, MOVABLE; only the cache line touched depends on
   * them. NR_VM_EVENT_ITEMS assumed 128.
   */
  static final int PGALLOC_NORMAL = 6;
  static final int PGFREE = 16;
  static final int PGFAULT = 22;
  static final int NR_VM_EVENT_ITEMS = 128;
  /** Index of PGFAULT in memcg_vm_event_stat (mm/memcontrol.c, CONFIG_MEMCG_V1=n). */
  static final int MEMCG_EVENT_PGFAULT = 10;

  /** Byte offsets inside struct memcg_vmstats_percpu (mm/memcontrol.c). */
  static final int STATC_STATS_UPDATES = 0;
  static final int STATC_PARENT_PCPU = 8;
  static final int STATC_VMSTATS = 16;
  static final int STATC_STATE = 24;
  static final int STATC_EVENTS = STATC_STATE + 40 * 8;

  private final KernelModel k;
  private final int cpus;
  /** {@link #perCpuReadAll}'s buffer: one word per CPU. */
  private final long[] everyCpu;
  private final int nodes;
  private final OpStats opStats = new OpStats();
  private final long[] eventCounts = new long[KernelEvent.Type.values().length];
  private long zappedPages;
  private long allocations;
  private long frees;
  private long failedAllocations;
  private long perCpuPtrAccesses;
  private long skippedPerCpuStores;
  private long digest = 17;

  // boot-time percpu data (kernel static DEFINE_PER_CPU variables and boot alloc_percpu)
  private final long vmEventStates;
  private final long processCounts;
  private final long cachedStacks;
  private final long[] nodeStats;
  private final long[] zoneStats;
  private final long vmCommittedAs;
  private final int statThreshold;
  private final int rssBatch;
  private final long[] nodeGlobal = new long[NR_VM_NODE_STAT_ITEMS];
  private final long[] zoneGlobal = new long[NR_VM_ZONE_STAT_ITEMS];
  private long committedGlobal;

  /** Index of MEMCG_PERCPU_B and MEMCG_KMEM in memcg_vmstats state[] (33 node items + position). */
  static final int MEMCG_PERCPU_B = 33 + 2;
  static final int MEMCG_KMEM = 33 + 4;
  /** Assumption: PAGE_SIZE of the modelled kernel's charge arithmetic (4K, as STACK_PAGES). */
  static final int CHARGE_PAGE_SIZE = 4096;

  private MemcgObjects.Controllers controllers = MemcgObjects.Controllers.MEMORY;
  /** The memcg the mkdir-ing shell runs in (a session scope), made on the first mkdir. */
  private Memcg creator;
  private long memcgObjectBytes;
  private long memcgsCreated;
  private final Map<Long, Memcg> memcgs = new HashMap<>();
  private final java.util.Set<Long> failedMemcgs = new java.util.HashSet<>();
  private final Map<Integer, Task> tasks = new HashMap<>();
  private long stackTokens;

  /** A percpu object the paths allocated. */
  private static final class Obj {
    final PercpuObject kind;
    final long ptr;
    final boolean accounted;

    Obj(PercpuObject kind, long ptr, boolean accounted) {
      this.kind = kind;
      this.ptr = ptr;
      this.accounted = accounted;
    }
  }

  private static final class Memcg {
    final long id;
    final Memcg parent;
    final List<Obj> objs = new ArrayList<>();
    long vmstats;
    long[] lruvec;
    long cssRef;
    long selfRef;
    long selfRstat;
    long cssRstat;
    long objcgRef;
    boolean touched;

    Memcg(long id, Memcg parent) {
      this.id = id;
      this.parent = parent;
    }
  }

  private static final class Mm {
    /** Id in {@link #roots}. */
    int root;
    long rss;
    long cid;
    long futexRef;
    final long[] rssGlobal = new long[4];
    long anonPages;
    long areaPages;
    boolean areaShared;
  }

  private static final class Task {
    int cpu;
    Mm mm;
    Memcg memcg;
  }

  /**
   * Boots the modelled kernel's percpu data: the static variables the paths use
   * (vm_event_states, process_counts, cached_stacks), the boot-time alloc_percpu of every node's
   * per_cpu_nodestats and every zone's per_cpu_zonestats (mm/page_alloc.c setup_per_cpu_pageset),
   * vm_committed_as (mm/mmap.c mmap_init), and the root memcg. Static variables live in the first
   * chunk in the kernel; here they are allocated from the first chunk at boot, which translates the
   * same way.
   *
   * @param nodes NUMA nodes (assumption for a 160-core arm64 server: 2 sockets)
   */
  public ModelledKernel(KernelModel k, int nodes) {
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes=" + nodes + ": must be at least 1");
    }
    this.k = k;
    this.cpus = k.cpus();
    this.everyCpu = new long[cpus];
    this.nodes = nodes;
    this.roots = TranslationRootCost.none(cpus);
    vmEventStates = bootAlloc(NR_VM_EVENT_ITEMS * 8, 8);
    processCounts = bootAlloc(8, 8);
    cachedStacks = bootAlloc(8 * NR_CACHED_STACKS, 8);
    nodeStats = new long[nodes];
    zoneStats = new long[nodes];
    // refresh_zone_stat_thresholds (mm/vmstat.c): calculate_normal_threshold = 2 * fls(cpus) *
    // (1 + fls(zone memory / 128M)), capped at 125; assumption: 16-32 GiB per zone -> fls = 8.
    statThreshold = Math.min(125, 2 * fls(cpus) * (1 + 8));
    for (int n = 0; n < nodes; n++) {
      nodeStats[n] = bootAlloc(1 + NR_VM_NODE_STAT_ITEMS, 1);
      zoneStats[n] = bootAlloc(16 + 6 * 8, 8);
      for (int c = 0; c < cpus; c++) {
        perCpuWrite(nodeStats[n], c, 1, statThreshold);
        perCpuWrite(zoneStats[n] + NR_VM_ZONE_STAT_ITEMS, c, 1, statThreshold);
      }
    }
    vmCommittedAs = bootAlloc(4, 4);
    k.label(vmEventStates, NR_VM_EVENT_ITEMS * 8, "vm_event_states");
    k.label(processCounts, 8, "process_counts");
    k.label(cachedStacks, 8 * NR_CACHED_STACKS, "cached_stacks");
    for (int n = 0; n < nodes; n++) {
      k.label(nodeStats[n], 1 + NR_VM_NODE_STAT_ITEMS, "vm_node_stat");
      k.label(zoneStats[n], 16 + 6 * 8, "vm_zone_stat");
    }
    k.label(vmCommittedAs, 4, "vm_committed_as");
    // lib/percpu_counter.c compute_batch_value: percpu_counter_batch = max(32, nr_cpus * 2)
    rssBatch = Math.max(32, cpus * 2);
    Memcg root = new Memcg(0, null);
    allocMemcgObjects(root);
    memcgs.put(0L, root);
  }

  private static int fls(int x) {
    return 32 - Integer.numberOfLeadingZeros(x);
  }

  private long bootAlloc(int size, int align) {
    long p = k.alloc(size, align, false);
    if (p == 0) {
      throw new IllegalStateException("percpu boot allocation of " + size + " bytes failed");
    }
    return p;
  }

  public OpStats opStats() {
    return opStats;
  }

  /** Events executed per type. */
  public Map<KernelEvent.Type, Long> eventCounts() {
    Map<KernelEvent.Type, Long> m = new EnumMap<>(KernelEvent.Type.class);
    for (KernelEvent.Type t : KernelEvent.Type.values()) {
      m.put(t, eventCounts[t.ordinal()]);
    }
    return m;
  }

  public long zappedPages() {
    return zappedPages;
  }

  public long allocations() {
    return allocations;
  }

  public long frees() {
    return frees;
  }

  public long failedAllocations() {
    return failedAllocations;
  }

  public long perCpuPtrAccesses() {
    return perCpuPtrAccesses;
  }

  /** per_cpu_ptr initialisation stores the kernel does that the model counts but skips. */
  public long skippedPerCpuStores() {
    return skippedPerCpuStores;
  }

  /** Per-mm cost of the translation-root model (default: none). */
  private TranslationRootCost roots;

  /** Counts the translation-root model's per-mm work from now on (set before the first event). */
  public void setTranslationRoots(TranslationRootCost r) {
    this.roots = r;
  }

  public TranslationRootCost translationRoots() {
    return roots;
  }

  /** Runs one event. */
  public void execute(KernelEvent e) {
    eventCounts[e.type().ordinal()]++;
    switch (e.type()) {
      case MEMCG_CREATE -> memcgCreate(e.arg(), e.cpu());
      case MEMCG_DESTROY -> memcgDestroy(e.arg(), e.cpu());
      case ATTACH -> task(e.task()).memcg = memcg(e.arg());
      case FORK -> fork(e.task(), (int) e.arg(), e.cpu());
      case EXEC -> exec(e.task(), e.cpu());
      case EXIT -> exit(e.task(), e.cpu());
      case PAGE_FAULT -> pageFault(e.task(), e.cpu(), e.arg() != 0);
      case MMAP -> mmap(e.task(), e.cpu(), e.arg());
      case MUNMAP -> munmap(e.task(), e.cpu());
      case MIGRATE -> migrate(e.task(), e.cpu());
      case BALANCE -> k.balance();
      case SAMPLE -> { }
      default -> throw new IllegalStateException(e.type().toString());
    }
    if (e.task() >= 0 && e.type() != KernelEvent.Type.EXIT) {
      Task t = tasks.get(e.task());
      if (t != null && t.mm != null) {
        roots.run(t.mm.root, e.cpu());
      }
    }
  }

  /** The CPU task {@code id} last ran on, or -1 when it does not exist. */
  public int taskCpu(int id) {
    Task t = tasks.get(id);
    return t == null ? -1 : t.cpu;
  }

  private Task task(int id) {
    Task t = tasks.get(id);
    if (t == null) {
      throw new IllegalArgumentException("task " + id + " does not exist");
    }
    return t;
  }

  private Memcg memcg(long id) {
    Memcg m = memcgs.get(id);
    if (m == null) {
      throw new IllegalArgumentException("memcg " + id + " does not exist");
    }
    return m;
  }

  // ---------------------------------------------------------------- memcg create / destroy

  /** The controllers each mkdir enables (a workload parameter; default memory only). */
  public void setControllers(MemcgObjects.Controllers c) {
    this.controllers = c;
  }

  /** Percpu bytes per CPU requested by the memcgs created so far (sizes as passed, no padding). */
  public long memcgObjectBytes() {
    return memcgObjectBytes;
  }

  /** mkdirs whose percpu allocations all succeeded. */
  public long memcgsCreated() {
    return memcgsCreated;
  }

  /**
   * mkdir of a cgroup with {@link #setControllers the controller set}: the percpu allocations of
   * {@link MemcgObjects#sites} in the kernel's order. The two GFP_KERNEL_ACCOUNT ones
   * (memcg_vmstats_percpu, each node's lruvec_stats_percpu) are charged to the creating shell's
   * memcg ({@link #chargePercpu}). Then mem_cgroup_css_online's css_get: {@code this_cpu_add_8}
   * on css->refcnt (include/linux/percpu-refcount.h percpu_ref_get_many). Assumption: the shell
   * runs in a session scope memcg below the root (the root memcg is never charged), made before
   * the first mkdir.
   */
  void memcgCreate(long id, int cpu) {
    if (memcgs.containsKey(id)) {
      throw new IllegalArgumentException("memcg " + id + " exists");
    }
    if (creator == null) {
      Memcg s = new Memcg(-1, memcgs.get(0L));
      if (!allocMemcgObjects(s, MemcgObjects.Controllers.MEMORY, -1)) {
        failedMemcgs.add(id);
        return;
      }
      creator = s;
    }
    Memcg m = new Memcg(id, memcgs.get(0L));
    if (!allocMemcgObjects(m, controllers, cpu)) {
      failedMemcgs.add(id);
      return;
    }
    memcgs.put(id, m);
    memcgsCreated++;
    for (Obj o : m.objs) {
      memcgObjectBytes += o.kind.size();
    }
    op(cpu, ThisCpuOp.ADD, THIS_CPU, 8, m.cssRef, 1);
  }

  private boolean allocMemcgObjects(Memcg m) {
    return allocMemcgObjects(m, MemcgObjects.Controllers.MEMORY, -1);
  }

  /** {@link MemcgObjects#sites} per controller set, for this kernel's node count. */
  private final java.util.Map<MemcgObjects.Controllers, java.util.List<MemcgObjects.Site>> sitesOf =
      new java.util.EnumMap<>(MemcgObjects.Controllers.class);

  /** Allocates the sites of one mkdir; {@code cpu} >= 0 charges accounted ones to the creator. */
  private boolean allocMemcgObjects(Memcg m, MemcgObjects.Controllers c, int cpu) {
    m.lruvec = new long[nodes];
    int node = 0;
    int rstatCsses = 0;
    for (MemcgObjects.Site site : sitesOf.computeIfAbsent(c, x -> MemcgObjects.sites(x, nodes))) {
      for (int i = 0; i < site.perMemcg(); i++) {
        long p = alloc(site.kind());
        m.objs.add(new Obj(site.kind(), p, site.accounted() && cpu >= 0));
        if (p == 0) {
          uncharge(m, cpu);
          freeObjects(m.objs);
          return false;
        }
        if (site.accounted() && cpu >= 0) {
          chargePercpu(cpu, site.kind().size(), 1);
        }
        switch (site.role()) {
          case SELF_REF -> m.selfRef = p;
          case SELF_RSTAT -> m.selfRstat = p;
          case CSS_REF -> m.cssRef = p;
          case CSS_RSTAT -> m.cssRstat = p;
          case VMSTATS -> m.vmstats = p;
          case LRUVEC -> m.lruvec[node++] = p;
          case OBJCG_REF -> m.objcgRef = p;
          default -> { }
        }
        if (site.kind() == PercpuObject.CSS_RSTAT_CPU) {
          rstatCsses++;
        }
      }
    }
    // The per-CPU initialisation stores (css_rstat_init: updated_children, owner and the lnode per
    // rstat css; mem_cgroup_alloc: statc->parent_pcpu, statc->vmstats) are counted but not
    // executed: the model walks the hierarchy in Java, and executing them would materialise every
    // page of the simulated percpu memory (10,000 memcgs x 160 CPUs = 4 GB, as on the real machine).
    skippedPerCpuStores += (3L * rstatCsses + 2) * cpus;
    return true;
  }

  /**
   * mm/percpu.c pcpu_memcg_post_alloc_hook for a GFP_KERNEL_ACCOUNT allocation of {@code size}
   * bytes per CPU ({@code sign} +1) or pcpu_memcg_free_hook (-1), on the creator's memcg:
   * obj_cgroup_charge of size x num_possible_cpus bytes, whose whole pages go through
   * memcg_account_kmem -> mod_memcg_state(MEMCG_KMEM, pages) (the byte remainder comes from the
   * per-CPU obj stock: plain accesses, not modelled), then mod_memcg_state(MEMCG_PERCPU_B, bytes).
   * mod_memcg_state (mm/memcontrol.c): {@code this_cpu_add_8} on vmstats_percpu->state[i] and
   * memcg_rstat_updated with the value in pages (at least 1).
   */
  private void chargePercpu(int cpu, int size, int sign) {
    long bytes = (long) size * cpus;
    int pages = (int) ((bytes + CHARGE_PAGE_SIZE - 1) / CHARGE_PAGE_SIZE);
    modMemcgState(creator, cpu, MEMCG_KMEM, sign * pages, pages);
    modMemcgState(creator, cpu, MEMCG_PERCPU_B, sign * bytes, Math.max(1, pages));
  }

  private void modMemcgState(Memcg m, int cpu, int item, long val, int pages) {
    k.preemptDisable(cpu);
    op(cpu, ThisCpuOp.ADD, THIS_CPU, 8, m.vmstats + STATC_STATE + 8L * item, val);
    rstatUpdated(m, cpu, pages);
    k.preemptEnable(cpu);
  }

  private void uncharge(Memcg m, int cpu) {
    for (Obj o : m.objs) {
      if (o.accounted && o.ptr != 0) {
        chargePercpu(cpu, o.kind.size(), -1);
      }
    }
  }

  /**
   * rmdir of a memory cgroup through to css_free: percpu_ref_kill switches each percpu_ref to
   * atomic mode, summing every CPU's count (lib/percpu-refcount.c percpu_ref_switch_to_atomic_rcu,
   * per_cpu_ptr reads); css_rstat_exit flushes (kernel/cgroup/rstat.c: one per-CPU read of the
   * updated list per css, assumption: no pending updates) and frees; mem_cgroup_css_free ->
   * __mem_cgroup_free and cgroup_free_fn free the rest (free_percpu of every object).
   */
  void memcgDestroy(long id, int cpu) {
    if (failedMemcgs.remove(id)) {
      return;
    }
    Memcg m = memcgs.remove(id);
    if (m == null || id == 0) {
      throw new IllegalArgumentException("memcg " + id + " cannot be destroyed");
    }
    for (long ref : new long[] {m.selfRef, m.cssRef, m.objcgRef}) {
      long[] v = perCpuReadAll(ref, 8);
      for (int c = 0; c < cpus; c++) {
        fold(v[c]);
      }
    }
    perCpuReadAll(m.selfRstat, 8);
    perCpuReadAll(m.cssRstat, 8);
    if (m.touched) {
      foldMemcgCounters(m);
    }
    uncharge(m, cpu);
    freeObjects(m.objs);
  }

  private void foldMemcgCounters(Memcg m) {
    for (int c = 0; c < cpus; c++) {
      fold(perCpuRead(m.vmstats + STATC_EVENTS + 8 * MEMCG_EVENT_PGFAULT, c, 8));
      for (NodeStat s : NodeStat.values()) {
        fold(perCpuRead(m.vmstats + STATC_STATE + 8 * s.memcg, c, 8));
        for (long l : m.lruvec) {
          fold(perCpuRead(l + 8L * s.memcg, c, 8));
        }
      }
    }
  }

  // ---------------------------------------------------------------- processes

  /**
   * fork() (kernel/fork.c copy_process). On the parent's CPU:
   * <ul>
   * <li>alloc_thread_stack_node: try the per-CPU stack cache, {@code this_cpu_xchg_8} on each of
   *     cached_stacks[0..1] until one is non-NULL; account_kernel_stack(+1): per stack page
   *     mod_lruvec_page_state(NR_KERNEL_STACK_KB, 4) (see {@link #modLruvecState});
   * <li>dup_mm -> mm_init: mm_alloc_cid (alloc MM_CID, then mm_init_cid writes cid and recent_cid
   *     = MM_CID_UNSET on every possible CPU), percpu_counter_init_many(rss_stat) (alloc
   *     MM_RSS_STAT) and futex_mm_init (alloc MM_FUTEX_REF, {@code this_cpu_inc_4}); page tables of the new mm (assumption: {@value #MM_PGTABLE_PAGES} pages,
   *     each NR_PAGETABLE +1); dup_mmap: vm_acct_memory per accounted VMA (assumption:
   *     {@value #FORK_ACCOUNTED_VMAS}) and add_mm_rss_vec: the child's rss = the parent's
   *     resident pages (COW-shared, one percpu_counter_add);
   * <li>{@code __this_cpu_inc(process_counts)} under write_lock_irq(&tasklist_lock).
   * </ul>
   * The child then runs: mm_cid_get on its CPU ({@link #scheduleIn}).
   */
  void fork(int child, int parent, int cpu) {
    if (tasks.containsKey(child)) {
      throw new IllegalArgumentException("task " + child + " exists");
    }
    Task p = parent < 0 ? null : task(parent);
    Task t = new Task();
    t.cpu = cpu;
    t.memcg = p == null ? memcg(0) : p.memcg;
    tasks.put(child, t);
    stackGet(cpu);
    accountKernelStack(t, cpu, 1);
    t.mm = mmInit(t, cpu);
    if (p != null && p.mm != null) {
      for (int i = 0; i < FORK_ACCOUNTED_VMAS; i++) {
        percpuCounterAdd(vmCommittedAs, null, 0, cpu, 32, VM_COMMITTED_BATCH);
      }
      if (p.mm.anonPages > 0) {
        percpuCounterAdd(t.mm.rss, t.mm.rssGlobal, MM_ANONPAGES, cpu, p.mm.anonPages, rssBatch);
      }
    }
    k.preemptDisable(cpu);
    op(cpu, ThisCpuOp.INC, UNDERSCORE_THIS_CPU, 8, processCounts, 1);
    k.preemptEnable(cpu);
    scheduleIn(t, child);
  }

  /**
   * execve: exec_mmap installs a fresh mm (kernel/fork.c mm_alloc -> mm_init, as in fork) and
   * drops the old one ({@link #mmDestroy}).
   */
  void exec(int id, int cpu) {
    Task t = task(id);
    t.cpu = cpu;
    Mm old = t.mm;
    t.mm = mmInit(t, cpu);
    if (old != null) {
      mmDestroy(t, old, cpu);
    }
    scheduleIn(t, id);
  }

  /**
   * do_exit (kernel/exit.c): exit_mm -> mmput -> exit_mmap + mmdrop ({@link #mmDestroy});
   * __unhash_process: {@code __this_cpu_dec(process_counts)} (tasklist_lock held, IRQs off);
   * the stack goes back to the per-CPU cache (kernel/fork.c try_release_thread_stack_to_cache:
   * {@code this_cpu_try_cmpxchg_8} on cached_stacks[i] from NULL) and account_kernel_stack(-1).
   * Assumption: the delayed stack free runs on the exiting CPU.
   */
  void exit(int id, int cpu) {
    Task t = tasks.remove(id);
    if (t == null) {
      throw new IllegalArgumentException("task " + id + " does not exist");
    }
    if (t.mm != null) {
      mmDestroy(t, t.mm, cpu);
    }
    k.preemptDisable(cpu);
    op(cpu, ThisCpuOp.DEC, UNDERSCORE_THIS_CPU, 8, processCounts, 1);
    k.preemptEnable(cpu);
    accountKernelStack(t, cpu, -1);
    stackPut(cpu);
  }

  private Mm mmInit(Task t, int cpu) {
    Mm mm = new Mm();
    mm.root = roots.created();
    mm.cid = alloc(PercpuObject.MM_CID);
    mm.rss = alloc(PercpuObject.MM_RSS_STAT);
    // futex_mm_init (kernel/futex/core.c): alloc_percpu(unsigned int), this_cpu_inc 0 -> 1
    mm.futexRef = alloc(PercpuObject.MM_FUTEX_REF);
    if (mm.cid == 0 || mm.rss == 0 || mm.futexRef == 0) {
      throw new IllegalStateException("percpu allocation for mm_init failed (-ENOMEM)");
    }
    op(cpu, ThisCpuOp.INC, THIS_CPU, 4, mm.futexRef, 1);
    for (int c = 0; c < cpus; c++) {
      perCpuWrite(mm.cid + 8, c, 4, MM_CID_UNSET);
      perCpuWrite(mm.cid + 12, c, 4, MM_CID_UNSET);
    }
    for (int i = 0; i < MM_PGTABLE_PAGES; i++) {
      modLruvecState(t.memcg, cpu, NodeStat.NR_PAGETABLE, 1);
    }
    return mm;
  }

  /**
   * __mmput -> exit_mmap: zap every resident page ({@link #zapPages}), vm_unacct_memory of what
   * was accounted, free the page tables (NR_PAGETABLE -1 each); __mmdrop -> check_mm reads each
   * rss counter's sum over every CPU (lib/percpu_counter.c __percpu_counter_sum, per_cpu_ptr
   * reads), mm_destroy_cid and percpu_counter_destroy_many free the two percpu objects.
   */
  private void mmDestroy(Task t, Mm mm, int cpu) {
    roots.destroyed(mm.root);
    if (mm.anonPages > 0) {
      zapPages(t, mm, cpu, mm.anonPages, false);
      mm.anonPages = 0;
    }
    percpuCounterAdd(vmCommittedAs, null, 0, cpu, -32L * FORK_ACCOUNTED_VMAS, VM_COMMITTED_BATCH);
    for (int i = 0; i < MM_PGTABLE_PAGES; i++) {
      modLruvecState(t.memcg, cpu, NodeStat.NR_PAGETABLE, -1);
    }
    for (int i = 0; i < 4; i++) {
      long sum = mm.rssGlobal[i];
      for (int c = 0; c < cpus; c++) {
        sum += (int) perCpuRead(mm.rss + 4L * i, c, 4);
      }
      fold(sum);
    }
    for (int c = 0; c < cpus; c++) {
      fold(perCpuRead(mm.cid + 8, c, 4));
    }
    free(mm.cid);
    free(mm.rss);
    free(mm.futexRef);
  }

  /**
   * Context switch in of a task on its CPU with its mm (kernel/sched/sched.h mm_cid_get, rq lock
   * held): {@code __this_cpu_read_4} of pcpu_cid->cid; when unset a cid is allocated and stored
   * with {@code __this_cpu_write_4} (cid and recent_cid). Assumption: the cid handed out is the
   * task id modulo the CPU count (the kernel picks the lowest free cid of the mm).
   */
  private void scheduleIn(Task t, int id) {
    if (t.mm == null) {
      return;
    }
    int cpu = t.cpu;
    k.preemptDisable(cpu);
    long cid = op(cpu, ThisCpuOp.READ, UNDERSCORE_THIS_CPU, 4, t.mm.cid + 8, 0);
    if (cid == MM_CID_UNSET) {
      op(cpu, ThisCpuOp.WRITE, UNDERSCORE_THIS_CPU, 4, t.mm.cid + 8, id % cpus);
      op(cpu, ThisCpuOp.WRITE, UNDERSCORE_THIS_CPU, 4, t.mm.cid + 12, id % cpus);
    }
    k.preemptEnable(cpu);
  }

  /**
   * The scheduler moves a task (kernel/sched/core.c set_task_cpu); mm_cid on the source CPU is
   * dropped (sched_mm_cid_migrate_from: per_cpu_ptr write of MM_CID_UNSET into the source CPU's
   * pcpu_cid, a remote write) and the task is switched in on the destination.
   */
  void migrate(int id, int to) {
    Task t = task(id);
    if (t.mm != null && t.cpu != to) {
      perCpuWrite(t.mm.cid + 8, t.cpu, 4, MM_CID_UNSET);
    }
    t.cpu = to;
    scheduleIn(t, id);
  }

  // ---------------------------------------------------------------- memory events

  /**
   * An anonymous page fault that allocates a page (mm/memory.c handle_mm_fault ->
   * do_anonymous_page), on the task's CPU:
   * <ol>
   * <li>count_vm_event(PGFAULT): {@code this_cpu_inc_8} on vm_event_states (include/linux/vmstat.h);
   * <li>count_memcg_event_mm(mm, PGFAULT) -> count_memcg_events: {@code this_cpu_add_8} on
   *     vmstats_percpu->events[PGFAULT] + memcg_rstat_updated ({@link #rstatUpdated});
   * <li>page allocation from the pcp lists (mm/page_alloc.c): __count_zid_vm_events(PGALLOC) and
   *     zone_statistics: NUMA_HIT and NUMA_LOCAL — three {@code raw_cpu_add_8};
   * <li>folio_add_new_anon_rmap -> __lruvec_stat_mod_folio(NR_ANON_MAPPED, +1) (mm/rmap.c); for a
   *     shmem page (MAP_SHARED|MAP_ANONYMOUS) shmem_add_to_page_cache: NR_FILE_PAGES and NR_SHMEM
   *     +1, then folio_add_file_rmap: NR_FILE_MAPPED +1;
   * <li>folio_add_lru_vma -> (batched in cpu_fbatches, drained every 31 folios; modelled per page)
   *     lruvec_add_folio -> update_lru_size: __mod_lruvec_state(NR_ACTIVE_ANON/NR_INACTIVE_ANON)
   *     and __mod_zone_page_state(NR_ZONE_*_ANON) (include/linux/mm_inline.h);
   * <li>inc_mm_counter(MM_ANONPAGES or MM_SHMEMPAGES) -> percpu_counter_add_batch
   *     ({@link #percpuCounterAdd}).
   * </ol>
   */
  void pageFault(int id, int cpu, boolean shared) {
    Task t = task(id);
    t.cpu = cpu;
    op(cpu, ThisCpuOp.INC, THIS_CPU, 8, vmEventStates + 8L * PGFAULT, 1);
    t.memcg.touched = true;
    k.preemptDisable(cpu);
    op(cpu, ThisCpuOp.ADD, THIS_CPU, 8, t.memcg.vmstats + STATC_EVENTS + 8 * MEMCG_EVENT_PGFAULT, 1);
    rstatUpdated(t.memcg, cpu, 1);
    k.preemptEnable(cpu);
    int node = node(cpu);
    k.preemptDisable(cpu);
    op(cpu, ThisCpuOp.ADD, RAW_CPU, 8, vmEventStates + 8L * PGALLOC_NORMAL, 1);
    op(cpu, ThisCpuOp.INC, RAW_CPU, 8, zoneStats[node] + 16 + 8 * NUMA_HIT, 1);
    op(cpu, ThisCpuOp.INC, RAW_CPU, 8, zoneStats[node] + 16 + 8 * NUMA_LOCAL, 1);
    k.preemptEnable(cpu);
    if (shared) {
      modLruvecState(t.memcg, cpu, NodeStat.NR_FILE_PAGES, 1);
      modLruvecState(t.memcg, cpu, NodeStat.NR_SHMEM, 1);
      modLruvecState(t.memcg, cpu, NodeStat.NR_FILE_MAPPED, 1);
      modLruvecState(t.memcg, cpu, NodeStat.NR_INACTIVE_ANON, 1);
      modZoneState(cpu, NR_ZONE_INACTIVE_ANON, 1);
    } else {
      modLruvecState(t.memcg, cpu, NodeStat.NR_ANON_MAPPED, 1);
      modLruvecState(t.memcg, cpu, NodeStat.NR_ACTIVE_ANON, 1);
      modZoneState(cpu, NR_ZONE_ACTIVE_ANON, 1);
    }
    if (t.mm != null) {
      percpuCounterAdd(t.mm.rss, t.mm.rssGlobal, shared ? MM_SHMEMPAGES : MM_ANONPAGES, cpu, 1,
          rssBatch);
      t.mm.areaPages++;
      t.mm.areaShared = shared;
      if (!shared) {
        t.mm.anonPages++;
      }
    }
  }

  /** mmap of an accounted private area: vm_acct_memory(pages) (include/linux/mman.h). */
  void mmap(int id, int cpu, long pages) {
    Task t = task(id);
    t.cpu = cpu;
    percpuCounterAdd(vmCommittedAs, null, 0, cpu, pages, VM_COMMITTED_BATCH);
    if (t.mm != null) {
      t.mm.areaPages = 0;
    }
  }

  /**
   * munmap of the task's current area: zap its resident pages ({@link #zapPages}) and
   * vm_unacct_memory (mm/vma.c vms_complete_munmap_vmas).
   */
  void munmap(int id, int cpu) {
    Task t = task(id);
    t.cpu = cpu;
    if (t.mm == null) {
      return;
    }
    Mm mm = t.mm;
    if (mm.areaPages > 0) {
      zapPages(t, mm, cpu, mm.areaPages, mm.areaShared);
      if (!mm.areaShared) {
        mm.anonPages -= Math.min(mm.anonPages, mm.areaPages);
      }
    }
    percpuCounterAdd(vmCommittedAs, null, 0, cpu, -mm.areaPages, VM_COMMITTED_BATCH);
    mm.areaPages = 0;
  }

  /**
   * zap_pte_range (mm/memory.c) for {@code pages} resident pages: per page
   * folio_remove_rmap_ptes -> __lruvec_stat_mod_folio(NR_ANON_MAPPED or NR_FILE_MAPPED, -1); then
   * the freed folios leave the LRU (mm/swap.c folios_put_refs -> lruvec_del_folio ->
   * update_lru_size -1, node/memcg and zone) and go back to the pcp lists (mm/page_alloc.c
   * free_unref_folios: {@code __count_vm_events(PGFREE)}, a raw_cpu_add_8); a shmem page also
   * leaves the page cache (NR_FILE_PAGES, NR_SHMEM -1). At the end add_mm_rss_vec: one
   * percpu_counter_add of -pages. Assumption: COW pages still mapped by a live parent are not
   * modelled separately (the child's inherited rss is dropped by the rss counter only).
   */
  private void zapPages(Task t, Mm mm, int cpu, long pages, boolean shared) {
    zappedPages += pages;
    for (long i = 0; i < pages; i++) {
      if (shared) {
        modLruvecState(t.memcg, cpu, NodeStat.NR_FILE_MAPPED, -1);
        modLruvecState(t.memcg, cpu, NodeStat.NR_FILE_PAGES, -1);
        modLruvecState(t.memcg, cpu, NodeStat.NR_SHMEM, -1);
        modLruvecState(t.memcg, cpu, NodeStat.NR_INACTIVE_ANON, -1);
        modZoneState(cpu, NR_ZONE_INACTIVE_ANON, -1);
      } else {
        modLruvecState(t.memcg, cpu, NodeStat.NR_ANON_MAPPED, -1);
        modLruvecState(t.memcg, cpu, NodeStat.NR_ACTIVE_ANON, -1);
        modZoneState(cpu, NR_ZONE_ACTIVE_ANON, -1);
      }
      k.preemptDisable(cpu);
      op(cpu, ThisCpuOp.ADD, RAW_CPU, 8, vmEventStates + 8L * PGFREE, 1);
      k.preemptEnable(cpu);
    }
    percpuCounterAdd(mm.rss, mm.rssGlobal, shared ? MM_SHMEMPAGES : MM_ANONPAGES, cpu, -pages,
        rssBatch);
  }

  // ---------------------------------------------------------------- counter primitives

  /**
   * __mod_lruvec_state (mm/memcontrol.c), called with preemption disabled:
   * __mod_node_page_state (mm/vmstat.c: {@code __this_cpu_read_1} of the s8 diff and of
   * stat_threshold, fold into the global node counter when over the threshold,
   * {@code __this_cpu_write_1}) then mod_memcg_lruvec_state: {@code this_cpu_add_8} on the
   * memcg's vmstats_percpu->state[i] and on the lruvec's lruvec_stats_percpu->state[i], and
   * memcg_rstat_updated.
   */
  private void modLruvecState(Memcg m, int cpu, NodeStat s, int val) {
    int node = node(cpu);
    m.touched = true;
    k.preemptDisable(cpu);
    long diffPtr = nodeStats[node] + 1 + s.node;
    long x = val + (byte) op(cpu, ThisCpuOp.READ, UNDERSCORE_THIS_CPU, 1, diffPtr, 0);
    long thr = (byte) op(cpu, ThisCpuOp.READ, UNDERSCORE_THIS_CPU, 1, nodeStats[node], 0);
    if (Math.abs(x) > thr) {
      nodeGlobal[s.node] += x;
      x = 0;
    }
    op(cpu, ThisCpuOp.WRITE, UNDERSCORE_THIS_CPU, 1, diffPtr, x & 0xff);
    op(cpu, ThisCpuOp.ADD, THIS_CPU, 8, m.vmstats + STATC_STATE + 8L * s.memcg, val);
    op(cpu, ThisCpuOp.ADD, THIS_CPU, 8, m.lruvec[node] + 8L * s.memcg, val);
    rstatUpdated(m, cpu, Math.abs(val));
    k.preemptEnable(cpu);
  }

  /** __mod_zone_page_state (mm/vmstat.c): as the node variant, on the zone's s8 diff. */
  private void modZoneState(int cpu, int item, int val) {
    int node = node(cpu);
    k.preemptDisable(cpu);
    long diffPtr = zoneStats[node] + item;
    long x = val + (byte) op(cpu, ThisCpuOp.READ, UNDERSCORE_THIS_CPU, 1, diffPtr, 0);
    long thr = (byte) op(cpu, ThisCpuOp.READ, UNDERSCORE_THIS_CPU, 1,
        zoneStats[node] + NR_VM_ZONE_STAT_ITEMS, 0);
    if (Math.abs(x) > thr) {
      zoneGlobal[item] += x;
      x = 0;
    }
    op(cpu, ThisCpuOp.WRITE, UNDERSCORE_THIS_CPU, 1, diffPtr, x & 0xff);
    k.preemptEnable(cpu);
  }

  /**
   * memcg_rstat_updated (mm/memcontrol.c): css_rstat_updated (reads this CPU's rstat node, not a
   * this_cpu op: not modelled), then for the memcg and each ancestor {@code this_cpu_add_return_4}
   * on stats_updates; when the result reaches MEMCG_CHARGE_BATCH, {@code this_cpu_xchg_4} to 0
   * and the atomic add to the global counter. Assumption: no level is already flushable.
   */
  private void rstatUpdated(Memcg m, int cpu, int val) {
    if (val == 0) {
      return;
    }
    for (Memcg level = m; level != null; level = level.parent) {
      level.touched = true;
      long n = op(cpu, ThisCpuOp.ADD_RETURN, THIS_CPU, 4, level.vmstats + STATC_STATS_UPDATES, val);
      if (n >= MEMCG_CHARGE_BATCH) {
        fold(op(cpu, ThisCpuOp.XCHG, THIS_CPU, 4, level.vmstats + STATC_STATS_UPDATES, 0));
      }
    }
  }

  /**
   * percpu_counter_add_batch (lib/percpu_counter.c, CONFIG_HAVE_CMPXCHG_LOCAL variant, which
   * arm64 and s390 select): {@code this_cpu_read_4} of the s32, then if |count + amount| reaches
   * the batch: under the counter's raw spinlock (IRQs off) {@code __this_cpu_read_4}, fold into
   * fbc->count, {@code __this_cpu_sub_4}; else {@code this_cpu_try_cmpxchg_4} from count to
   * count + amount, retried on failure.
   */
  private void percpuCounterAdd(long base, long[] global, int index, int cpu, long amount,
      int batch) {
    long ptr = base + 4L * index;
    long count = (int) op(cpu, ThisCpuOp.READ, THIS_CPU, 4, ptr, 0);
    while (true) {
      if (Math.abs(count + amount) >= batch) {
        k.preemptDisable(cpu);
        long c = (int) op(cpu, ThisCpuOp.READ, UNDERSCORE_THIS_CPU, 4, ptr, 0);
        if (global != null) {
          global[index] += c + amount;
        } else {
          committedGlobal += c + amount;
        }
        op(cpu, ThisCpuOp.SUB, UNDERSCORE_THIS_CPU, 4, ptr, c);
        k.preemptEnable(cpu);
        return;
      }
      long ok = k.op(cpu, ThisCpuOp.TRY_CMPXCHG, THIS_CPU, 4, ptr, (count + amount) & 0xFFFF_FFFFL,
          count & 0xFFFF_FFFFL);
      recordLast(ThisCpuOp.TRY_CMPXCHG, THIS_CPU, 4);
      if (ok != 0) {
        return;
      }
      count = (int) k.read(ptr, cpu, 4);
    }
  }

  private void stackGet(int cpu) {
    for (int i = 0; i < NR_CACHED_STACKS; i++) {
      long s = op(cpu, ThisCpuOp.XCHG, THIS_CPU, 8, cachedStacks + 8L * i, 0);
      if (s != 0) {
        return;
      }
    }
  }

  private void stackPut(int cpu) {
    long token = ++stackTokens;
    for (int i = 0; i < NR_CACHED_STACKS; i++) {
      long ok = k.op(cpu, ThisCpuOp.TRY_CMPXCHG, THIS_CPU, 8, cachedStacks + 8L * i, token, 0);
      recordLast(ThisCpuOp.TRY_CMPXCHG, THIS_CPU, 8);
      if (ok != 0) {
        return;
      }
    }
  }

  /**
   * account_kernel_stack (kernel/fork.c, CONFIG_VMAP_STACK): for each of the {@value #STACK_PAGES}
   * stack pages mod_lruvec_page_state(NR_KERNEL_STACK_KB, +-PAGE_SIZE/1024).
   */
  private void accountKernelStack(Task t, int cpu, int sign) {
    for (int i = 0; i < STACK_PAGES; i++) {
      modLruvecState(t.memcg, cpu, NodeStat.NR_KERNEL_STACK_KB, sign * 4);
    }
  }

  private int node(int cpu) {
    return (int) ((long) cpu * nodes / cpus);
  }

  // ---------------------------------------------------------------- model access

  private long lastInstr;
  private long lastCycles;

  private long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value) {
    long r = k.op(cpu, op, form, size, ptr, value, 0);
    recordLast(op, form, size);
    return r;
  }

  private void recordLast(ThisCpuOp op, OpForm form, int size) {
    long i = k.opInstructions();
    long c = k.opCycles();
    opStats.record(op, form, size, i - lastInstr, c - lastCycles);
    lastInstr = i;
    lastCycles = c;
  }

  private long alloc(PercpuObject kind) {
    long p = k.alloc(kind.size(), kind.align(), false);
    if (p == 0) {
      failedAllocations++;
    } else {
      allocations++;
      k.label(p, kind.size(), kind.kernelName());
    }
    return p;
  }

  private void free(long ptr) {
    k.free(ptr);
    frees++;
  }

  private void freeObjects(List<Obj> objs) {
    for (Obj o : objs) {
      if (o.ptr != 0) {
        free(o.ptr);
      }
    }
    objs.clear();
  }

  private long perCpuRead(long ptr, int cpu, int size) {
    perCpuPtrAccesses++;
    return k.read(ptr, cpu, size);
  }

  /**
   * {@link #perCpuRead} on every CPU in CPU order, into a buffer reused by the next call (the
   * reads have no side effect, so their order against other reads changes no figure).
   */
  private long[] perCpuReadAll(long ptr, int size) {
    perCpuPtrAccesses += cpus;
    k.readEveryCpu(ptr, size, everyCpu);
    return everyCpu;
  }

  private void perCpuWrite(long ptr, int cpu, int size, long value) {
    perCpuPtrAccesses++;
    k.write(ptr, cpu, size, value);
  }

  private void fold(long v) {
    digest = digest * 1_000_003L + v;
  }

  /**
   * A digest of every counter value the run produced: values folded at each free, plus every
   * live object's and boot object's counters on every CPU and the global (folded) counters.
   * Contains no address, so it must be identical across backends and modes.
   */
  public long digest() {
    long saved = digest;
    for (int c = 0; c < cpus; c++) {
      fold(k.read(processCounts, c, 8));
      fold(k.read(vmEventStates + 8L * PGFAULT, c, 8));
      fold(k.read(vmEventStates + 8L * PGALLOC_NORMAL, c, 8));
      fold(k.read(vmEventStates + 8L * PGFREE, c, 8));
      fold(k.read(vmCommittedAs, c, 4));
      for (int n = 0; n < nodes; n++) {
        for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
          fold(k.read(nodeStats[n] + 1 + i, c, 1));
        }
        for (int i = 0; i < 16 + 48; i++) {
          fold(k.read(zoneStats[n] + i, c, 1));
        }
      }
    }
    for (long v : nodeGlobal) {
      fold(v);
    }
    for (long v : zoneGlobal) {
      fold(v);
    }
    fold(committedGlobal);
    List<Long> ids = new ArrayList<>(memcgs.keySet());
    java.util.Collections.sort(ids);
    for (long id : ids) {
      if (memcgs.get(id).touched) {
        foldMemcgCounters(memcgs.get(id));
      }
    }
    long result = digest;
    digest = saved;
    return result;
  }

  /** Each CPU's value of the static process_counts (kernel/fork.c), for tests. */
  public long[] processCounts() {
    long[] v = new long[cpus];
    for (int c = 0; c < cpus; c++) {
      v[c] = k.read(processCounts, c, 8);
    }
    return v;
  }

  /** Each CPU's vm_event_states.event[PGFAULT], for tests. */
  public long[] pgfaults() {
    long[] v = new long[cpus];
    for (int c = 0; c < cpus; c++) {
      v[c] = k.read(vmEventStates + 8L * PGFAULT, c, 8);
    }
    return v;
  }

  /** mkdirs that failed with -ENOMEM (an allocation returned NULL). */
  public int failedMemcgCreates() {
    return failedMemcgs.size();
  }

  /** Live memcgs (including root and the session memcg). */
  public int liveMemcgs() {
    return memcgs.size();
  }

  /** Live tasks. */
  public int liveTasks() {
    return tasks.size();
  }
}
