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
 * charged to "boot (static percpu objects)".
 */
public final class PathAttribution implements KernelModel {

  /** The path that holds all chunk page-table work. */
  public static final String CHUNK_PATH = "chunk create/populate/destroy (page tables)";
  static final String BOOT_PATH = "boot (static percpu objects)";

  private final KernelModel k;
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
      case PAGE_FAULT -> "page fault (vmstat, memcg charge/stat, rss)";
      case MMAP -> "mmap (vm_acct_memory)";
      case MUNMAP -> "munmap (zap: vmstat, memcg uncharge, rss)";
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
      if (opCycles[i] != 0) {
        m.put(name(i), new long[] {opCycles[i], 0});
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
    long pt0 = k.stats().chunkPageTableCycles();
    long r = k.alloc(size, align, atomic);
    ptCycles[current] += k.stats().chunkPageTableCycles() - pt0;
    return r;
  }

  @Override
  public void free(long ptr) {
    long pt0 = k.stats().chunkPageTableCycles();
    k.free(ptr);
    ptCycles[current] += k.stats().chunkPageTableCycles() - pt0;
  }

  @Override
  public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long value,
      long expected) {
    long c0 = k.opCycles();
    long r = k.op(cpu, op, form, size, ptr, value, expected);
    opCycles[current] += k.opCycles() - c0;
    return r;
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
  public void write(long ptr, int cpu, int size, long value) {
    k.write(ptr, cpu, size, value);
  }

  @Override
  public void balance() {
    long pt0 = k.stats().chunkPageTableCycles();
    k.balance();
    ptCycles[current] += k.stats().chunkPageTableCycles() - pt0;
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
}
