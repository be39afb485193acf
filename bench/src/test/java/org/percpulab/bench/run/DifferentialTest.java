package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.percpulab.bench.workload.KernelEvent;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.bench.workload.ModelledKernel;
import org.percpulab.bench.workload.Workload;
import org.percpulab.bench.workload.Workloads;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.config.Config;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * Differential tests on the real simulator: how an address is formed (backend, mode) must not
 * change what is counted; the local map must not change the allocator's decisions.
 */
class DifferentialTest {
  static final int CPUS = 4;

  static KernelModelFactory factory(String arch) {
    return PercpuKernelModel.factory(Boot.boot(Boot.resolve(Config.of(Map.of("arch", arch,
        "cpus", Integer.toString(CPUS), "plugins.dir", "no-plugins")))));
  }

  /** arm64 with the page first chunk in both modes (the local map needs it; baseline asks). */
  static KernelModelFactory pageFirstChunkFactory() {
    return pageFirstChunkFactory("mirror");
  }

  static KernelModelFactory pageFirstChunkFactory(String layout) {
    return PercpuKernelModel.factory(Boot.boot(Boot.resolve(Config.of(Map.of("arch", "arm64",
        "cpus", Integer.toString(CPUS), "plugins.dir", "no-plugins",
        "arm64.percpuAlloc", "page", "percpu.localLayout", layout)))));
  }

  static Map<String, Long> small(String name) {
    switch (name) {
      case "kernel-build": return Map.of("processes", 12L, "faults", 24L, "mmaps", 2L);
      case "stress-vm": return Map.of("vmPages", 24L, "cycles", 2L);
      case "mmapfork": return Map.of("ops", 2L, "bytes", 2L << 20);
      case "fork": return Map.of("forks", 40L, "workerPages", 8L);
      case "memcg-create": return Map.of("memcgs", 150L, "balanceEvery", 16L);
      default: throw new IllegalArgumentException(name);
    }
  }

  /** Final per-CPU values a run leaves, read with per_cpu_ptr on every CPU. */
  record Outcome(long digest, long[] processCounts, long[] pgfaults, long ops) { }

  static Outcome run(KernelModel km, String workload, long seed) {
    ModelledKernel mk = new ModelledKernel(km, 2);
    Workload w = Workloads.create(workload, CPUS, small(workload));
    for (Iterator<KernelEvent> it = w.events(seed); it.hasNext(); ) {
      mk.execute(it.next());
    }
    return new Outcome(mk.digest(), mk.processCounts(), mk.pgfaults(), mk.opStats().totalOps());
  }

  @ParameterizedTest
  @ValueSource(strings = {"kernel-build", "stress-vm", "mmapfork", "fork", "memcg-create"})
  void sameWorkloadAndSeedGiveTheSameCountersOnEveryBackendAndMode(String workload) {
    Outcome ref = run(factory("generic").boot(OpMode.BASELINE), workload, 11);
    assertThat(ref.ops()).isPositive();
    List<String> runs = List.of("arm64/BASELINE", "arm64/LOCAL_MAP", "s390/BASELINE");
    for (String r : runs) {
      String[] p = r.split("/");
      Outcome o = run(factory(p[0]).boot(OpMode.valueOf(p[1])), workload, 11);
      assertThat(o.digest()).as("%s %s digest vs generic", workload, r).isEqualTo(ref.digest());
      assertThat(o.processCounts()).as("%s %s process_counts", workload, r)
          .containsExactly(ref.processCounts());
      assertThat(o.pgfaults()).as("%s %s PGFAULT", workload, r).containsExactly(ref.pgfaults());
      assertThat(o.ops()).as("%s %s ops", workload, r).isEqualTo(ref.ops());
    }
  }

  @Test
  void sameSeedGivesByteIdenticalJsonOnTheRealSimulator() {
    String[] json = new String[2];
    for (int i = 0; i < 2; i++) {
      RunResult r = new WorkloadRunner(factory("arm64"), new SysCostModel(), 2, 3,
          Progress.quiet()).run(Workloads.create("memcg-create", CPUS, small("memcg-create")));
      json[i] = org.percpulab.bench.cli.Json.write(
          org.percpulab.bench.report.ResultsJson.run(r));
      assertThat(r.baseline().chunksCreated()).isPositive();
    }
    assertThat(json[1]).isEqualTo(json[0]);
  }

  @Test
  void opCountsOfTheModelEqualTheExecutorTotalsAndTheWorkloadsOpStats() {
    PercpuKernelModel km = (PercpuKernelModel) factory("arm64").boot(OpMode.LOCAL_MAP);
    ModelledKernel mk = new ModelledKernel(km, 2);
    Workload w = Workloads.create("fork", CPUS, small("fork"));
    for (Iterator<KernelEvent> it = w.events(5); it.hasNext(); ) {
      mk.execute(it.next());
    }
    assertThat(km.opInstructions()).isPositive()
        .isEqualTo(km.machine().executor().instructions())
        .isEqualTo(mk.opStats().totalInstructions());
    assertThat(km.opCycles()).isEqualTo(km.machine().executor().cycles())
        .isEqualTo(mk.opStats().totalCycles());
  }

  @Test
  void thisCpuAddLandsOnTheRunningCpusCopyInBothModes() {
    for (OpMode mode : OpMode.values()) {
      KernelModel km = factory("arm64").boot(mode);
      long p = km.alloc(8, 8, false);
      for (int cpu = 0; cpu < CPUS; cpu++) {
        for (int i = 0; i <= cpu; i++) {
          km.op(cpu, ThisCpuOp.ADD, OpForm.THIS_CPU, 8, p, 10, 0);
        }
      }
      for (int cpu = 0; cpu < CPUS; cpu++) {
        assertThat(km.read(p, cpu, 8)).as("%s cpu %d", mode, cpu).isEqualTo(10L * (cpu + 1));
      }
    }
  }

  /**
   * Records every allocator decision: for each alloc the chunk (numbered in order of first use;
   * 0 = first chunk) and the offset inside it, the chunk base addresses, and the chunk counters
   * at each balance run.
   */
  static final class Recording {
    final List<Long> pointers = new ArrayList<>();
    final List<Long> decisions = new ArrayList<>();
    final List<Long> chunkBases = new ArrayList<>();
    final java.util.IdentityHashMap<Object, Integer> ordinal = new java.util.IdentityHashMap<>();
    final List<Long> chunks = new ArrayList<>();
  }

  static Recording record(OpMode mode, String workload) {
    return record(mode, workload, "mirror");
  }

  static Recording record(OpMode mode, String workload, String layout) {
    PercpuKernelModel real = (PercpuKernelModel) pageFirstChunkFactory(layout).boot(mode);
    org.percpulab.mm.percpu.PercpuAllocator pcpu = real.percpu().allocator();
    Recording rec = new Recording();
    rec.ordinal.put(pcpu.firstChunk(), 0);
    rec.chunkBases.add(pcpu.firstChunk().baseAddr);
    KernelModel km = new KernelModel() {
      @Override public int cpus() { return real.cpus(); }
      @Override public long alloc(int size, int align, boolean atomic) {
        long p = real.alloc(size, align, atomic);
        rec.pointers.add(p);
        long addr = pcpu.ptrToAddr(p);
        org.percpulab.mm.percpu.PcpuChunk c = pcpu.chunkAddrSearch(addr);
        Integer n = rec.ordinal.get(c);
        if (n == null) {
          n = rec.ordinal.size();
          rec.ordinal.put(c, n);
          rec.chunkBases.add(c.baseAddr);
        }
        rec.decisions.add(((long) n << 32) | (addr - c.baseAddr));
        return p;
      }
      @Override public void free(long ptr) { real.free(ptr); }
      @Override public long op(int cpu, ThisCpuOp op, OpForm form, int size, long ptr, long v,
          long e) {
        return real.op(cpu, op, form, size, ptr, v, e);
      }
      @Override public void preemptDisable(int cpu) { real.preemptDisable(cpu); }
      @Override public void preemptEnable(int cpu) { real.preemptEnable(cpu); }
      @Override public long read(long ptr, int cpu, int size) { return real.read(ptr, cpu, size); }
      @Override public void write(long ptr, int cpu, int size, long value) {
        real.write(ptr, cpu, size, value);
      }
      @Override public void balance() {
        real.balance();
        ModelStats s = real.stats();
        rec.chunks.add(s.chunksCreated() * 1_000_000 + s.chunksDestroyed());
      }
      @Override public long opInstructions() { return real.opInstructions(); }
      @Override public long opCycles() { return real.opCycles(); }
      @Override public ModelStats stats() { return real.stats(); }
    };
    run(km, workload, 5);
    return rec;
  }

  /**
   * With the same first chunk (page, as the local map requires), the local map changes no
   * allocator decision. The suite's baseline is the kernel's default embed first chunk, whose
   * larger dynamic area (d30440 against d22248) shifts the decisions; that difference is the cost
   * of the page first chunk, not of the local map.
   */
  @ParameterizedTest
  @ValueSource(strings = {"memcg-create", "fork"})
  void localMapOnAndOffMakeIdenticalAllocatorDecisions(String workload) {
    Recording off = record(OpMode.BASELINE, workload);
    Recording on = record(OpMode.LOCAL_MAP, workload);
    assertThat(on.decisions).as("%s: (chunk, offset) of every allocation", workload)
        .hasSize(off.decisions.size()).isEqualTo(off.decisions);
    // the page first chunk sits at the bottom of vmalloc without the local map and right below
    // the local area with it; the dynamic chunks follow top-down from the lowered VMALLOC_END, so
    // all of them sit lower by one constant
    assertThat(on.chunkBases).hasSize(off.chunkBases.size());
    for (int i = 2; i < on.chunkBases.size(); i++) {
      assertThat(on.chunkBases.get(i) - off.chunkBases.get(i)).as("chunk %d displacement", i)
          .isEqualTo(on.chunkBases.get(1) - off.chunkBases.get(1));
    }
    assertThat(on.chunks).as("chunks created/destroyed at each balance")
        .isEqualTo(off.chunks);
    if (workload.equals("memcg-create")) {
      assertThat(off.chunks.get(off.chunks.size() - 1) / 1_000_000).as("chunks created")
          .isPositive();
    }
  }

  /**
   * The packed layout changes no allocator decision either: every chunk of the local-map run sits
   * in a slot of the packed region (base = region + slot x unit).
   */
  @ParameterizedTest
  @ValueSource(strings = {"memcg-create", "fork"})
  void packedLayoutMakesTheSameAllocatorDecisions(String workload) {
    Recording off = record(OpMode.BASELINE, workload, "packed");
    Recording on = record(OpMode.LOCAL_MAP, workload, "packed");
    assertThat(on.decisions).as("%s: (chunk, offset) of every allocation", workload)
        .hasSize(off.decisions.size()).isEqualTo(off.decisions);
    assertThat(on.chunks).isEqualTo(off.chunks);
    // slots are one unit (0x1c000) apart, all above the first chunk (slot 0) in the region
    for (int i = 1; i < on.chunkBases.size(); i++) {
      long base = on.chunkBases.get(i);
      assertThat(Long.remainderUnsigned(base - on.chunkBases.get(1), 0x1c000)).as("%x", base)
          .isZero();
      assertThat(base - on.chunkBases.get(0)).as("%x", base).isPositive().isLessThan(1L << 40);
    }
  }
}
