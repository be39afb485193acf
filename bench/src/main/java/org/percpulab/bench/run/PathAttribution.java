package org.percpulab.bench.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.workload.KernelEvent;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * Attributes a run's percpu cycles to the modelled kernel path that spent them: a
 * {@link KernelModel} decorator that charges each this_cpu op's cycles to the event being executed
 * (page fault, fork, exit, memcg create, ...) and the chunk page-table work of every
 * alloc_percpu/free_percpu/balance call to one "chunk create/populate/destroy" path (it names the
 * events that triggered it). Work done while the modelled kernel sets up its static objects is
 * charged to "boot (static percpu objects)". Within an event, op cycles are split by the kind of
 * percpu object the op touched ({@link KernelModel#label}): "page fault: vmstat update",
 * "page fault: memcg charge/stat", "page fault: mm rss counter", ...
 */
public final class PathAttribution implements KernelModel {

  /** The path that holds all chunk page-table work. */
  public static final String CHUNK_PATH = "chunk create/populate/destroy (page tables)";
  static final String BOOT_PATH = "boot (static percpu objects)";

  /** Object kind -> the part of a path it stands for. */
  private static final Map<String, String> GROUPS = Map.ofEntries(
      Map.entry("vm_event_states", "vmstat update"), Map.entry("vm_node_stat", "vmstat update"),
      Map.entry("vm_zone_stat", "vmstat update"), Map.entry("vm_committed_as", "vmstat update"),
      Map.entry("memcg_vmstats_percpu", "memcg charge/stat"),
      Map.entry("lruvec_stats_percpu", "memcg charge/stat"),
      Map.entry("css_rstat_cpu", "memcg charge/stat"),
      Map.entry("cgroup_rstat_base_cpu", "memcg charge/stat"),
      Map.entry("mm_rss_stat", "mm rss counter"), Map.entry("mm_cid", "mm_cid"),
      Map.entry("percpu_ref", "percpu_ref"), Map.entry("psi_group_cpu", "psi"),
      Map.entry("wb_domain_completions", "writeback domain"),
      Map.entry("process_counts", "process count"), Map.entry("cached_stacks", "stack cache"));
  private static final String OTHER = "other";

  private final KernelModel k;
  /** The labelled objects: base, size and group index. */
  private final LabelledRanges objects = new LabelledRanges();
  private final List<String> groups = new ArrayList<>(List.of(OTHER));
  /** Label -> group index, for labels seen before. */
  private final Map<String, Integer> groupOfLabel = new java.util.HashMap<>();
  /** [path][group] op cycles; the group dimension grows as objects are named. */
  private long[][] split = new long[KernelEvent.Type.values().length + 1][16];
  private final long[] opCycles = new long[KernelEvent.Type.values().length + 1];
  private final long[] ptCycles = new long[KernelEvent.Type.values().length + 1];
  private int current = KernelEvent.Type.values().length;

  public PathAttribution(KernelModel k) {
    this.k = k;
  }

  /** The next work belongs to {@code t}'s path. */
  public void enter(KernelEvent.Type t) {
    current = t.ordinal();
  }

  /** Kernel path name of an event type, as the report and JSON show it. */
  public static String pathName(KernelEvent.Type t) {
    return switch (t) {
      case MEMCG_CREATE -> "memcg create (mem_cgroup_css_alloc)";
      case MEMCG_DESTROY -> "memcg destroy (css_free)";
      case ATTACH -> "cgroup attach";
      case FORK -> "fork (copy_process, mm_init)";
      case EXEC -> "exec (mm_alloc)";
      case EXIT -> "exit (do_exit, mm teardown)";
      case PAGE_FAULT -> "page fault";
      case MMAP -> "mmap (vm_acct_memory)";
      case MUNMAP -> "munmap (zap_pte_range)";
      case MIGRATE -> "migrate (mm_cid)";
      case BALANCE -> "percpu balance work";
      case SAMPLE -> "sample";
    };
  }

  /**
   * path -> {this_cpu op cycles, chunk page-table cycles}; paths with no cycles are left out, the
   * chunk path last (its page-table cycles; which events caused them is in {@link #chunkCauses}).
   */
  public Map<String, long[]> byPath() {
    Map<String, long[]> m = new LinkedHashMap<>();
    long pt = 0;
    for (int i = 0; i < opCycles.length; i++) {
      pt += ptCycles[i];
      for (int g = 0; g < groups.size(); g++) {
        if (split[i][g] != 0) {
          m.put(name(i) + ": " + groups.get(g), new long[] {split[i][g], 0});
        }
      }
    }
    if (pt != 0) {
      m.put(CHUNK_PATH, new long[] {0, pt});
    }
    return m;
  }

  /** The paths whose calls caused chunk page-table work, by share. */
  public List<String> chunkCauses() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < ptCycles.length; i++) {
      if (ptCycles[i] != 0) {
        out.add(name(i));
      }
    }
    return out;
  }

  private static String name(int i) {
    KernelEvent.Type[] all = KernelEvent.Type.values();
    return i == all.length ? BOOT_PATH : pathName(all[i]);
  }

  @Override
  public int cpus() {
    return k.cpus();
  }

  @Override
  public long alloc(int size, int align, boolean atomic) {
    long pt0 = k.chunkPageTableCycles();
    long r = k.alloc(size, align, atomic);
    ptCycles[current] += k.chunkPageTableCycles() - pt0;
    return r;
  }

  @Override
  public void free(long ptr) {
    long pt0 = k.chunkPageTableCycles();
    objects.remove(ptr);
    k.free(ptr);
    ptCycles[current] += k.chunkPageTableCycles() - pt0;
  }

  @Override
  public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value,
      long expected) {
    long c0 = k.opCycles();
    long r = k.op(cpu, op, form, size, ptr, value, expected);
    long d = k.opCycles() - c0;
    opCycles[current] += d;
    split[current][group(ptr)] += d;
    return r;
  }

  private int group(long ptr) {
    return objects.groupOf(ptr, 0);
  }

  @Override
  public void label(long ptr, int size, String what) {
    Integer known = groupOfLabel.get(what);
    int idx;
    if (known != null) {
      idx = known;
    } else {
      String g = GROUPS.getOrDefault(what, what);
      idx = groups.indexOf(g);
      if (idx < 0) {
        groups.add(g);
        idx = groups.size() - 1;
        if (idx == split[0].length) {
          for (int i = 0; i < split.length; i++) {
            split[i] = java.util.Arrays.copyOf(split[i], idx * 2);
          }
        }
      }
      groupOfLabel.put(what, idx);
    }
    objects.put(ptr, size, idx);
    k.label(ptr, size, what);
  }

  @Override
  public void preemptDisable(int cpu) {
    k.preemptDisable(cpu);
  }

  @Override
  public void preemptEnable(int cpu) {
    k.preemptEnable(cpu);
  }

  @Override
  public long read(long ptr, int cpu, int size) {
    return k.read(ptr, cpu, size);
  }

  @Override
  public void readEveryCpu(long ptr, int size, long[] out) {
    k.readEveryCpu(ptr, size, out);
  }

  @Override
  public void write(long ptr, int cpu, int size, long value) {
    k.write(ptr, cpu, size, value);
  }

  @Override
  public void balance() {
    long pt0 = k.chunkPageTableCycles();
    k.balance();
    ptCycles[current] += k.chunkPageTableCycles() - pt0;
  }

  @Override
  public long opInstructions() {
    return k.opInstructions();
  }

  @Override
  public long opCycles() {
    return k.opCycles();
  }

  @Override
  public ModelStats stats() {
    return k.stats();
  }

  @Override
  public long chunkPageTableCycles() {
    return k.chunkPageTableCycles();
  }
}
