package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.percpulab.bench.run.RunResult;

/**
 * The attribution table of one run: per modelled kernel path the percpu cycles (this_cpu ops plus
 * chunk page-table work) with the local map off and on, the change, and the share of the run's
 * whole percpu change that path explains (shares add up to 100 % when the total changed).
 */
public final class PathTable {

  private PathTable() { }

  /**
   * One row.
   *
   * @param path kernel path
   * @param baseline percpu cycles, local map off
   * @param localMap percpu cycles, local map on
   * @param delta localMap - baseline
   * @param sharePercent delta / total delta x 100 (0 when the total did not change)
   */
  public record Row(String path, long baseline, long localMap, long delta, double sharePercent) { }

  public static List<Row> rows(RunResult r) {
    Map<String, long[]> b = r.baseline().byPath();
    Map<String, long[]> l = r.localMap().available() ? r.localMap().byPath() : b;
    Set<String> paths = new LinkedHashSet<>(b.keySet());
    paths.addAll(l.keySet());
    long total = 0;
    List<long[]> vals = new ArrayList<>();
    for (String p : paths) {
      long vb = sum(b.get(p));
      long vl = sum(l.get(p));
      vals.add(new long[] {vb, vl});
      total += vl - vb;
    }
    List<Row> out = new ArrayList<>();
    int i = 0;
    for (String p : paths) {
      long[] v = vals.get(i++);
      long d = v[1] - v[0];
      out.add(new Row(p, v[0], v[1], d,
          total == 0 ? 0.0 : Math.round(d * 10000.0 / total) / 100.0));
    }
    return out;
  }

  /** {@code byPath} of {@code run --format json}: one object per path. */
  public static List<Object> json(RunResult r) {
    List<Object> out = new ArrayList<>();
    for (Row row : rows(r)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", row.path());
      m.put("baselineCycles", row.baseline());
      m.put("localMapCycles", row.localMap());
      m.put("deltaCycles", row.delta());
      m.put("shareOfChangePercent", row.sharePercent());
      out.add(m);
    }
    return out;
  }

  private static long sum(long[] v) {
    return v == null ? 0 : v[0] + v[1];
  }
}
