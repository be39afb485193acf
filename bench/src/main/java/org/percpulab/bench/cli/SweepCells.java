package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.run.KernelModelFactory;
import org.percpulab.bench.run.Progress;
import org.percpulab.bench.run.SysCostModel;
import org.percpulab.bench.run.WorkloadRunner;
import org.percpulab.bench.sweep.SweepGrid;
import org.percpulab.bench.workload.Workload;
import org.percpulab.bench.workload.Workloads;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.config.CoreKeys;
import org.percpulab.core.plugin.ArchRegistry;

/**
 * One sweep cell made runnable, the same way for {@code sweep} (all cells in one process) and
 * {@code job} (one cell from its job file): the base config plus the cell's config keys, the
 * backend's NR_CPUS raised to the CPU count as {@code suite} does, the workload with the base
 * {@code --param}s and the cell's {@code param.*} keys. Bad config or parameters are a
 * {@link ConfigException} naming the cell.
 */
final class SweepCells {
  private SweepCells() { }

  /** A prepared cell: its runner (booted config) and workload. */
  record Cell(int index, Map<String, String> settings, WorkloadRunner runner, String workload,
      int cpus, Map<String, Long> params) {
    Workload newWorkload() {
      return Workloads.create(workload, cpus, params);
    }
  }

  static Cell prepare(ArchRegistry reg, Config base, int index, Map<String, String> settings,
      Map<String, Long> baseParams, SysCostModel costs, int nodes, long seed) {
    Config c = base;
    Map<String, Long> params = new LinkedHashMap<>(baseParams);
    String workload = null;
    try {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        String k = e.getKey();
        if (k.equals(SweepGrid.WORKLOAD)) {
          workload = e.getValue();
        } else if (k.startsWith(SweepGrid.PARAM)) {
          params.put(k.substring(SweepGrid.PARAM.length()),
              WorkloadOptions.number("param " + k, e.getValue()));
        } else {
          c = ConfigLoader.applySet(c, k + "=" + e.getValue());
        }
      }
      if (workload == null) {
        throw new ConfigException("key 'workload' is missing; allowed: one of " + Workloads.NAMES);
      }
      String arch = c.raw(CoreKeys.ARCH).orElse(CoreKeys.DEFAULT_ARCH);
      int cpus;
      try {
        cpus = Integer.parseInt(c.raw(CoreKeys.CPUS).orElse("4").trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("config key 'cpus': value '" + c.raw(CoreKeys.CPUS).get()
            + "' is not allowed; allowed: integer 1.." + CoreKeys.MAX_CPUS);
      }
      KernelModelFactory f = SuiteCommand.factory(reg, c, arch, cpus);
      Map<String, Long> p = SuiteCommand.filter(workload, cpus, params);
      Workloads.create(workload, cpus, p);
      WorkloadRunner runner = new WorkloadRunner(f, costs, nodes, seed, Progress.quiet());
      return new Cell(index, settings, runner, workload, cpus, p);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cell " + index + " " + settings + ": " + e.getMessage());
    } catch (ConfigException e) {
      List<String> lines = new ArrayList<>();
      for (String l : e.lines()) {
        lines.add("cell " + index + " " + settings + ": " + l);
      }
      throw new ConfigException(lines);
    }
  }
}
