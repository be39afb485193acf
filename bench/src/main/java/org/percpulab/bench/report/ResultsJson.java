package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.RunResult;

/**
 * The JSON shape of results (maps in a fixed key order for the deterministic writer in
 * bench.cli.Json). Host wall time is left out so the same inputs give byte-identical files.
 */
public final class ResultsJson {
  private ResultsJson() { }

  /** One run: {@code modes.baseline}, {@code modes.localMap}, changePercent, sysChangePercent. */
  public static Map<String, Object> run(RunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workload", r.workload());
    m.put("models", r.models());
    m.put("arch", r.arch());
    m.put("cpus", r.cpus());
    m.put("seed", r.seed());
    m.put("params", new LinkedHashMap<>(r.params()));
    m.put("scaling", r.scaling());
    Map<String, Object> modes = new LinkedHashMap<>();
    modes.put("baseline", mode(r.baseline()));
    modes.put("localMap", mode(r.localMap()));
    m.put("modes", modes);
    m.put("changePercent", r.changePercent());
    m.put("sysChangePercent", r.sysChangePercent());
    m.put("sysCostAssumptions", sysCosts(r.sysCosts()));
    m.put("byPath", PathTable.json(r));
    return m;
  }

  static Map<String, Object> sysCosts(Map<String, Long> table) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unit", "modelled cycles per event of the rest of the kernel (assumption, not measured;"
        + " override with --sys-cost EVENT=CYCLES)");
    m.put("perEvent", new LinkedHashMap<>(table));
    return m;
  }

  static Map<String, Object> mode(ModeResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("available", r.available());
    if (!r.note().isEmpty()) {
      m.put("note", r.note());
    }
    m.put("layout", r.layout());
    m.put("percpuOps", r.percpuOps());
    m.put("instructions", r.instructions());
    m.put("percpuCycles", r.percpuCycles());
    m.put("opCycles", r.opCycles());
    m.put("chunkPageTableCycles", r.chunkPageTableCycles());
    m.put("sysCycles", r.sysCycles());
    Map<String, Object> byType = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : r.byOpType().entrySet()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("count", e.getValue()[0]);
      t.put("instructions", e.getValue()[1]);
      t.put("cycles", e.getValue()[2]);
      byType.put(e.getKey(), t);
    }
    m.put("byOpType", byType);
    m.put("tlbHits", r.tlbHits());
    m.put("tlbMisses", r.tlbMisses());
    m.put("chunksCreated", r.chunksCreated());
    m.put("chunksDestroyed", r.chunksDestroyed());
    m.put("percpuBytes", r.percpuBytes());
    m.put("localMapVirtualBytes", r.localMapVirtualBytes());
    m.put("unitSize", r.unitSize());
    m.put("localUnits", r.unitSize() == 0 ? 0 : r.localMapVirtualBytes() / r.unitSize());
    m.put("perCpuPageTableBytes", r.perCpuPageTableBytes());
    m.put("pageTableBytesTotal", r.pageTableBytesTotal());
    m.put("memoryFiguresAre", "peak over the run");
    m.put("allocations", r.allocations());
    m.put("failedAllocations", r.failedAllocations());
    m.put("frees", r.frees());
    m.put("events", new LinkedHashMap<>(r.events()));
    m.put("zappedPages", r.zappedPages());
    m.put("perCpuPtrAccesses", r.perCpuPtrAccesses());
    m.put("translationRoots", r.translationRoots());
    m.put("inOpInterrupts", new LinkedHashMap<>(r.inOpInterrupts()));
    m.put("skippedPerCpuStores", r.skippedPerCpuStores());
    m.put("counterDigest", String.format("%016x", r.counterDigest()));
    return m;
  }

  /** The suite document. */
  public static Map<String, Object> suite(SuiteResult s) {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("archs", s.archs());
    settings.put("workloads", s.workloads());
    settings.put("cpus", s.cpus());
    settings.put("seed", s.seed());
    settings.put("sweepCpus", s.sweepCpus());
    settings.put("sweepWorkload", s.sweepWorkload());
    m.put("settings", settings);
    List<Object> runs = new ArrayList<>();
    for (RunResult r : s.runs()) {
      Map<String, Object> j = run(r);
      j.remove("sysCostAssumptions");
      runs.add(j);
    }
    m.put("runs", runs);
    List<Object> sweep = new ArrayList<>();
    for (RunResult r : s.sweep()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("arch", r.arch());
      j.put("cpus", r.cpus());
      j.put("workload", r.workload());
      j.put("params", new LinkedHashMap<>(r.params()));
      Map<String, Object> modes = new LinkedHashMap<>();
      modes.put("baseline", sweepMode(r.baseline()));
      modes.put("localMap", sweepMode(r.localMap()));
      j.put("modes", modes);
      sweep.add(j);
    }
    m.put("cpuSweep", sweep);
    m.put("sysCostAssumptions", sysCosts(s.sysCosts()));
    m.put("modelled", Provenance.MODELLED);
    m.put("modelledByArch", s.archProvenance());
    m.put("copiedFromKernel", Provenance.FROM_KERNEL);
    return m;
  }

  static Map<String, Object> sweepMode(ModeResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("available", r.available());
    m.put("layout", r.layout());
    m.put("chunksCreated", r.chunksCreated());
    m.put("chunkPageTableCycles", r.chunkPageTableCycles());
    m.put("percpuBytes", r.percpuBytes());
    m.put("localMapVirtualBytes", r.localMapVirtualBytes());
    m.put("perCpuPageTableBytes", r.perCpuPageTableBytes());
    m.put("pageTableBytesTotal", r.pageTableBytesTotal());
    return m;
  }
}
