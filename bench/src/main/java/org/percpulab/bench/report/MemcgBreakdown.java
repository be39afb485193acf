package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.cli.TextTable;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.workload.MemcgObjects;

/**
 * {@code run memcg-create --breakdown}: every percpu object one mkdir allocates
 * ({@link MemcgObjects}), with the kernel struct, bytes per CPU, count per memcg and source, and
 * the per-memcg bytes the run itself requested, which must equal the sum.
 */
public final class MemcgBreakdown {
  private MemcgBreakdown() { }

  /** The controller set of a memcg-create run's parameters. */
  public static MemcgObjects.Controllers controllers(RunResult r) {
    Long d = r.params().get("distroControllers");
    return d != null && d != 0 ? MemcgObjects.Controllers.DISTRO : MemcgObjects.Controllers.MEMORY;
  }

  /** The {@code objects} array and its totals, added to the run's JSON document. */
  public static void addTo(Map<String, Object> doc, RunResult r, int nodes) {
    MemcgObjects.Controllers c = controllers(r);
    List<Object> objects = new ArrayList<>();
    for (MemcgObjects.Site s : MemcgObjects.sites(c, nodes)) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", s.name());
      o.put("kernelStruct", s.kernelStruct());
      o.put("bytesPerCpu", (long) s.kind().size());
      o.put("perMemcg", (long) s.perMemcg());
      o.put("accounted", s.accounted());
      o.put("source", s.kind().source());
      objects.add(o);
    }
    doc.put("controllers", c.names());
    doc.put("objects", objects);
    long sum = MemcgObjects.bytesPerCpu(c, nodes);
    doc.put("objectsBytesPerCpu", sum);
    doc.put("objectsBytesPerMemcg", sum * r.cpus());
    doc.put("runBytesPerCpuPerMemcg", r.baseline().memcgBytesPerCpu());
  }

  /** The same as a text table. */
  public static String text(RunResult r, int nodes) {
    MemcgObjects.Controllers c = controllers(r);
    TextTable t = new TextTable("object", "kernel struct", "bytes/cpu", "per memcg",
        "source");
    for (MemcgObjects.Site s : MemcgObjects.sites(c, nodes)) {
      t.row(s.name(), s.kernelStruct(), s.kind().size(), s.perMemcg(), s.kind().source());
    }
    long sum = MemcgObjects.bytesPerCpu(c, nodes);
    return "percpu objects per mkdir (controllers " + String.join(" ", c.names()) + ", " + nodes
        + " nodes):\n" + t.render() + "sum: " + sum + " bytes per CPU, " + sum * r.cpus()
        + " bytes per memcg at " + r.cpus() + " CPUs; the run requested "
        + r.baseline().memcgBytesPerCpu() + " bytes per CPU per memcg\n";
  }
}
