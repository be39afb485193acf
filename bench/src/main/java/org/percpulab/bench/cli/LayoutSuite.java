package org.percpulab.bench.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.percpulab.bench.report.DesignSpace;
import org.percpulab.bench.run.KernelModelFactory;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.Progress;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.run.SysCostModel;
import org.percpulab.bench.run.WorkloadRunner;
import org.percpulab.bench.workload.Workload;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.spi.OpMode;

/**
 * The suite's layout x preemption-model runs ({@link DesignSpace}): besides the main runs (the
 * configured layout and preemption model), the local map of every workload and of every sweep
 * point on the design-space backend again in each other layout, and, for each further preemption
 * model, baseline and local map in every layout. A run that differs from a main run only in the
 * layout reuses that run's baseline (the layout only changes the local map), so it costs one mode.
 */
final class LayoutSuite {
  static final List<String> LAYOUTS = List.of("packed", "mirror");

  private final String arch;
  private final String mainLayout;
  private final String mainPreempt;
  private final List<String> preemptModels;
  private final List<Job> jobs = new ArrayList<>();

  /** One extra run: the workload (and its parameters) in a layout and preemption model. */
  private record Job(String layout, String preempt, boolean sweep, int cpus, Workload workload) { }

  /**
   * @param preemptModels preemption models to show (default: just the configured one); setting any
   *     other needs the {@code kernel.preempt} key
   */
  LayoutSuite(Config base, String arch, List<String> preemptModels) {
    this.arch = arch;
    this.mainLayout = base.raw("percpu.localLayout").map(String::trim).orElse("packed");
    this.mainPreempt = base.raw("kernel.preempt").map(String::trim).orElse("dynamic");
    this.preemptModels = preemptModels.isEmpty() ? List.of(mainPreempt) : preemptModels;
  }

  static List<String> defaultPreemptModels(Config base) {
    return List.of(base.raw("kernel.preempt").map(String::trim).orElse("dynamic"));
  }

  /**
   * The extra tasks: {@code factories(config, cpus)} boots a factory for the design-space backend.
   * Only workloads of {@code mainRuns} on that backend with the local map are repeated.
   */
  List<Callable<RunResult>> tasks(Config base, BiFunction<Config, Integer, KernelModelFactory> factories,
      List<Workload> workloads, int cpus, List<Workload> sweepWorkloads, List<Integer> sweepCpus,
      SysCostModel costs, int nodes, long seed) {
    List<Callable<RunResult>> tasks = new ArrayList<>();
    for (String preempt : preemptModels) {
      for (String layout : LAYOUTS) {
        if (layout.equals(mainLayout) && preempt.equals(mainPreempt)) {
          continue;
        }
        Config c = ConfigLoader.applySet(base, "percpu.localLayout=" + layout);
        if (!preempt.equals(mainPreempt)) {
          c = ConfigLoader.applySet(c, "kernel.preempt=" + preempt);
        }
        final Config cfg = c;
        final boolean full = !preempt.equals(mainPreempt);
        for (Workload w : workloads) {
          jobs.add(new Job(layout, preempt, false, cpus, w));
          tasks.add(() -> run(factories.apply(cfg, cpus), w, full, costs, nodes, seed));
        }
        for (int i = 0; i < sweepCpus.size(); i++) {
          int n = sweepCpus.get(i);
          Workload w = sweepWorkloads.get(i);
          jobs.add(new Job(layout, preempt, true, n, w));
          tasks.add(() -> run(factories.apply(cfg, n), w, full, costs, nodes, seed));
        }
      }
    }
    return tasks;
  }

  private static RunResult run(KernelModelFactory f, Workload w, boolean full, SysCostModel costs,
      int nodes, long seed) {
    WorkloadRunner runner = new WorkloadRunner(f, costs, nodes, seed, Progress.quiet());
    if (full) {
      return runner.run(w);
    }
    Optional<String> why = f.localMapUnavailable();
    if (why.isPresent()) {
      return null;
    }
    ModeResult local = runner.runMode(w, OpMode.LOCAL_MAP);
    return new RunResult(w.name(), w.models(), w.scaling(), w.params(), f.arch(), f.cpus(), seed,
        local, local, costs.table());
  }

  /**
   * The design-space cells from the main runs and the extra results (task order), a run's
   * placeholder baseline replaced by the main run's of the same workload and CPU count.
   */
  List<DesignSpace.Cell> cells(List<RunResult> mainRuns, List<RunResult> mainSweep,
      List<RunResult> extra) {
    Map<String, DesignSpace.Cell> cells = new LinkedHashMap<>();
    for (String preempt : preemptModels) {
      for (String layout : LAYOUTS) {
        cells.put(layout + "/" + preempt, new DesignSpace.Cell(layout, preempt, new ArrayList<>(),
            new java.util.TreeMap<>()));
      }
    }
    DesignSpace.Cell main = cells.get(mainLayout + "/" + mainPreempt);
    for (RunResult r : mainRuns) {
      if (r.arch().equals(arch) && r.localMap().available()) {
        main.runs().add(r);
      }
    }
    for (RunResult r : mainSweep) {
      if (r.arch().equals(arch) && r.localMap().available()) {
        main.sweep().put(r.cpus(), r);
      }
    }
    for (int i = 0; i < jobs.size(); i++) {
      Job j = jobs.get(i);
      RunResult r = extra.get(i);
      if (r == null) {
        continue;
      }
      if (j.preempt().equals(mainPreempt)) {
        RunResult base = find(j.sweep() ? mainSweep : mainRuns, j.workload().name(), j.cpus());
        if (base == null) {
          continue;
        }
        r = new RunResult(r.workload(), r.models(), r.scaling(), r.params(), r.arch(), r.cpus(),
            r.seed(), base.baseline(), r.localMap(), r.sysCosts());
      }
      DesignSpace.Cell c = cells.get(j.layout() + "/" + j.preempt());
      if (j.sweep()) {
        c.sweep().put(j.cpus(), r);
      } else {
        c.runs().add(r);
      }
    }
    return new ArrayList<>(cells.values());
  }

  private RunResult find(List<RunResult> runs, String workload, int cpus) {
    for (RunResult r : runs) {
      if (r.arch().equals(arch) && r.workload().equals(workload) && r.cpus() == cpus) {
        return r;
      }
    }
    return null;
  }

  /** Writes the layout chart; returns its file name. */
  static String writeChart(List<DesignSpace.Cell> cells, String sweepWorkload, Path dir)
      throws java.io.IOException {
    org.jfree.chart.JFreeChart c = DesignSpace.sweepChart(cells, sweepWorkload);
    c.setBackgroundPaint(java.awt.Color.WHITE);
    org.jfree.chart.ChartUtils.saveChartAsPNG(dir.resolve("sweep-layouts.png").toFile(), c, 900,
        520);
    return "sweep-layouts.png";
  }
}
