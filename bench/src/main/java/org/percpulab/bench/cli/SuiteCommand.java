package org.percpulab.bench.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.percpulab.bench.report.Charts;
import org.percpulab.bench.report.ReportHtml;
import org.percpulab.bench.report.ReportMarkdown;
import org.percpulab.bench.report.ResultsJson;
import org.percpulab.bench.report.SuiteResult;
import org.percpulab.bench.run.KernelModelFactory;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.ParallelCells;
import org.percpulab.bench.run.Progress;
import org.percpulab.bench.run.RunCells;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.run.SimulatedMachines;
import org.percpulab.bench.run.SysCostModel;
import org.percpulab.bench.run.WorkloadRunner;
import org.percpulab.bench.workload.Workloads;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.plugin.ArchRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab suite}: every workload on every backend, local map off and on, then a CPU
 * sweep; writes results.json, report.md and PNG charts into {@code --out}.
 *
 * <p>Here {@code --arch} takes a comma list of backends (default: every loaded backend) and
 * {@code --sweep-cpus} the comma list of the CPU sweep (default 4,16,64,160,512,4096;
 * {@code none} skips it). The main runs use {@code --cpus N} (as everywhere: {@code --set
 * cpus=N}; default {@value #DEFAULT_CPUS}). Every option and the output directory are checked
 * before the first run.
 */
@Command(name = "suite",
    description = {"Every workload on every backend, both modes; report, charts.",
        "Runs every workload on every backend with the local map off and on, plus a CPU sweep,"
            + " and writes results.json, report.md and PNG charts into --out."})
public final class SuiteCommand extends BaseCommand {
  static final int DEFAULT_CPUS = 16;
  static final String DEFAULT_SWEEP = "4,16,64,160,512,4096";
  static final String SWEEP_WORKLOAD = "memcg-create";
  /**
   * Suite-wide parameter defaults (scaling for the 60 s budget), applied unless --param sets them:
   * memcg-create runs 2,000 memcgs here (the run command's default is the seed's 10,000).
   */
  static final Map<String, Long> SUITE_DEFAULTS = Map.of("memcgs", 2_000L);

  /** Test seam: how a factory is made for a booted config. */
  static Function<BootContext, KernelModelFactory> factories = SimulatedMachines::factory;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "suite-out",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--workloads", paramLabel = "A,B,...", split = ",",
      description = "Workloads to run, each once (default: all).")
  List<String> workloads = new ArrayList<>(Workloads.NAMES);

  @Option(names = "--sweep-cpus", paramLabel = "N,N,...|none",
      description = "CPU counts of the CPU sweep, each 1..4096 (default: " + DEFAULT_SWEEP
          + "); none skips it.")
  String sweepCpusText;

  @Option(names = "--sweep-arch", paramLabel = "ID",
      description = "Backend of the CPU sweep, a loaded backend id (default: the first --arch,"
          + " else arm64).")
  String sweepArch;

  /** Upper bound of {@code --sweep-memcgs}. */
  static final long MAX_SWEEP_MEMCGS = 100_000;

  @Option(names = "--sweep-memcgs", paramLabel = "N", defaultValue = "64",
      description = "memcgs per sweep point, 0..100000 (default: ${DEFAULT-VALUE}).")
  @Bounds(min = 0, max = MAX_SWEEP_MEMCGS)
  long sweepMemcgs;

  @Mixin
  ThreadsOption threads;

  @Option(names = "--accesses", paramLabel = "all|none", defaultValue = "all",
      description = "Compare every percpu.access each backend supports (default: ${DEFAULT-VALUE})"
          + " or none.")
  String accesses;
  @Option(names = "--html", description = "Print the file URL of report.html to open"
      + " (report.html is written in every suite output).")
  boolean html;

  @Mixin
  WorkloadOptions wopts;

  @Override
  protected boolean validatesConfigEarly() {
    return false;
  }

  @Override
  protected int run() throws Exception {
    long t0 = System.nanoTime();
    List<String> sets = new ArrayList<>();
    if (common.cpus != null) {
      sets.add("cpus=" + common.cpus);
    }
    sets.addAll(common.sets);
    Config base = inputs(sets).config();
    int nThreads = threads.threads();
    ArchRegistry reg = registry();
    warnPluginErrors(reg);
    List<String> archs = archs(reg);
    final int cpus = mainCpus(base);
    List<Integer> sweepCpus = sweepCpus();
    String sweepArch = this.sweepArch != null ? this.sweepArch : archs.get(0);
    if (!reg.ids().contains(sweepArch)) {
      throw new ConfigException("option '--sweep-arch': value '" + sweepArch + "' is not allowed;"
          + " allowed: " + String.join("|", reg.ids()));
    }
    if (new java.util.HashSet<>(workloads).size() != workloads.size()) {
      throw new ConfigException("option '--workloads': value '" + String.join(",", workloads)
          + "' is not allowed; allowed: each workload once, from " + String.join("|",
              Workloads.NAMES));
    }
    wopts.checkNodes(Math.min(cpus, sweepCpus.isEmpty() ? cpus : java.util.Collections.min(sweepCpus)));
    checkOutputDir("--out", out);
    SysCostModel costs;
    Map<String, Long> params;
    try {
      costs = wopts.sysCostModel();
      params = new LinkedHashMap<>(SUITE_DEFAULTS);
      params.putAll(wopts.params());
      for (String w : workloads) {
        Workloads.create(w, cpus, filter(w, cpus, params));
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    if (!accesses.equals("all") && !accesses.equals("none")) {
      throw new ConfigException("option '--accesses': value '" + accesses + "' is not allowed; "
          + "allowed: all|none");
    }
    if (!json()) {
      out().println(header(archs, cpus, base));
      out().flush();
    }
    // one cell per backend x workload x mode (x whatever else a run's config varies)
    List<java.util.concurrent.Callable<ModeResult>> cells = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<RunCells> mainRuns = new ArrayList<>();
    List<KernelModelFactory> mainFactories = new ArrayList<>();
    for (String arch : archs) {
      KernelModelFactory f = factory(reg, base, arch, cpus);
      mainFactories.add(f);
      WorkloadRunner runner = new WorkloadRunner(f, costs, wopts.nodes, wopts.seed,
          Progress.quiet());
      for (String w : workloads) {
        Map<String, Long> p = filter(w, cpus, params);
        mainRuns.add(RunCells.add(runner, () -> Workloads.create(w, cpus, p), cells));
        label(labels, cells, w + " on " + arch);
      }
    }
    List<RunCells> sweepRuns = new ArrayList<>();
    String dropped = "";
    if (!sweepCpus.isEmpty()) {
      int max = reg.select(sweepArch).backend().nrCpusLimit().max();
      List<Integer> kept = new ArrayList<>();
      for (int n : sweepCpus) {
        if (n <= max) {
          kept.add(n);
        } else {
          dropped += (dropped.isEmpty() ? "" : ",") + n;
        }
      }
      if (!dropped.isEmpty()) {
        dropped = "; dropped " + dropped + " CPUs: above NR_CPUS max " + max + " of " + sweepArch;
      }
      sweepCpus = kept;
      for (int n : sweepCpus) {
        KernelModelFactory f = factory(reg, base, sweepArch, n);
        WorkloadRunner runner = new WorkloadRunner(f, costs, wopts.nodes, wopts.seed,
            Progress.quiet());
        sweepRuns.add(RunCells.add(runner,
            () -> Workloads.create(SWEEP_WORKLOAD, n, Map.of("memcgs", sweepMemcgs)), cells));
        label(labels, cells, "CPU sweep " + sweepArch + " " + n + " CPUs");
      }
    }
    LayoutSuite layouts = archs.contains(sweepArch)
        ? new LayoutSuite(base, sweepArch, LayoutSuite.defaultPreemptModels(base)) : null;
    List<java.util.concurrent.Callable<RunResult>> layoutTasks = new ArrayList<>();
    if (layouts != null) {
      List<org.percpulab.bench.workload.Workload> mw = new ArrayList<>();
      for (String w : workloads) {
        mw.add(Workloads.create(w, cpus, filter(w, cpus, params)));
      }
      List<org.percpulab.bench.workload.Workload> sw = new ArrayList<>();
      for (int n : sweepCpus) {
        sw.add(Workloads.create(SWEEP_WORKLOAD, n, Map.of("memcgs", sweepMemcgs)));
      }
      layoutTasks.addAll(layouts.tasks(base, (cfg, n) -> factory(reg, cfg, sweepArch, n), mw,
          cpus, sw, sweepCpus, costs, wopts.nodes, wopts.seed));
    }
    List<java.util.concurrent.Callable<Object>> jobs = new ArrayList<>();
    for (java.util.concurrent.Callable<ModeResult> c : cells) {
      jobs.add(c::call);
    }
    for (java.util.concurrent.Callable<RunResult> t : layoutTasks) {
      jobs.add(t::call);
      labels.add("layout design space " + (labels.size() - cells.size() + 1));
    }
    Map<String, Map<String, Long>> perWorkload = new LinkedHashMap<>();
    for (String w : workloads) {
      perWorkload.put(w, filter(w, cpus, params));
    }
    SuiteAccesses accessPlan = accesses.equals("none") ? null : new SuiteAccesses(mainFactories,
        workloads, cpus, perWorkload, costs, wopts.nodes, wopts.seed);
    int accessFrom = jobs.size();
    if (accessPlan != null) {
      for (java.util.concurrent.Callable<ModeResult> c : accessPlan.cells()) {
        jobs.add(c::call);
      }
      labels.addAll(accessPlan.labels());
    }
    List<Object> all;
    long tSim = System.nanoTime();
    try {
      all = ParallelCells.run(jobs, nThreads, progress(), "suite", labels);
    } catch (org.percpulab.bench.run.SimulatedOutOfMemory e) {
      return outOfMemory(e, base);
    }
    progress().phase("suite: writing " + out);
    List<ModeResult> done = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      done.add((ModeResult) all.get(i));
    }
    List<RunResult> runs = new ArrayList<>();
    for (RunCells rc : mainRuns) {
      runs.add(rc.result(done));
    }
    List<RunResult> sweep = new ArrayList<>();
    for (RunCells rc : sweepRuns) {
      sweep.add(rc.result(done));
    }
    List<RunResult> layoutRuns = new ArrayList<>();
    for (int i = cells.size(); i < accessFrom; i++) {
      layoutRuns.add((RunResult) all.get(i));
    }
    List<ModeResult> accessDone = new ArrayList<>();
    for (int i = accessFrom; i < all.size(); i++) {
      accessDone.add((ModeResult) all.get(i));
    }
    List<org.percpulab.bench.report.DesignSpace.Cell> designCells = layouts == null ? List.of()
        : layouts.cells(runs, sweep, layoutRuns);
    List<org.percpulab.bench.run.AccessRunResult> accessRuns;
    try {
      accessRuns = accessPlan == null ? List.of() : accessPlan.results(runs, accessDone);
    } catch (org.percpulab.bench.run.SimulatedOutOfMemory e) {
      return outOfMemory(e, base);
    }
    long simMs = (System.nanoTime() - tSim) / 1_000_000;
    SuiteResult s = new SuiteResult(archs, workloads, cpus, wopts.seed, runs, sweepCpus,
        SWEEP_WORKLOAD + " (" + sweepMemcgs + " memcgs, " + sweepArch + dropped + ")", sweep,
        costs.table(), provenance(reg, archs));
    Files.createDirectories(out);
    Map<String, Object> doc = ResultsJson.suite(s);
    String report = ReportMarkdown.write(s);
    if (!designCells.isEmpty()) {
      doc.put("designSpace", org.percpulab.bench.report.DesignSpace.json(designCells, SWEEP_WORKLOAD));
      report += org.percpulab.bench.report.DesignSpace.markdown(designCells, sweepArch, SWEEP_WORKLOAD,
          cpus, base.raw("percpu.localLayout").orElse("packed"));
    }
    List<Object> accessJson = new ArrayList<>();
    for (org.percpulab.bench.run.AccessRunResult a : accessRuns) {
      Map<String, Object> j = org.percpulab.bench.report.AccessReport.json(a);
      j.remove("sysCostAssumptions");
      accessJson.add(j);
    }
    doc.put("accessRuns", accessJson);
    if (!accessRuns.isEmpty()) {
      report += "\n" + org.percpulab.bench.report.AccessReport.rankingMarkdown(accessRuns);
    }
    Files.writeString(out.resolve("results.json"), Json.write(doc), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("report.md"), report, StandardCharsets.UTF_8);
    List<String> charts = new ArrayList<>(Charts.writeAll(s, out));
    Files.writeString(out.resolve("report.html"), ReportHtml.forSuite(s, report, reg, base),
        StandardCharsets.UTF_8);
    if (!designCells.isEmpty() && !sweep.isEmpty()) {
      charts.add(LayoutSuite.writeChart(designCells, s.sweepWorkload(), out));
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("out", out.toString());
      m.put("results", out.resolve("results.json").toString());
      m.put("report", out.resolve("report.md").toString());
      m.put("charts", charts);
      m.put("html", out.resolve("report.html").toString());
      printJson(m);
    } else {
      out().print(ReportMarkdown.mainTable(s));
      out().println();
      out().println("scaling (counts simulated vs the seed's runs):");
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (RunResult r : runs) {
        if (seen.add(r.workload())) {
          out().println("  " + r.workload() + ": " + r.scaling());
        }
      }
      if (!sweep.isEmpty()) {
        out().println("  CPU sweep: " + s.sweepWorkload() + " at " + sweepCpus + " CPUs");
      }
      out().println("wrote " + out.resolve("results.json") + ", " + out.resolve("report.md")
          + " and " + charts.size() + " charts (" + String.join(", ", charts) + ") in "
          + (ms / 1000.0) + " s (simulation " + (simMs / 1000.0) + " s: " + jobs.size()
          + " cells on " + Math.min(nThreads, jobs.size()) + " threads; the rest is setup and "
          + "writing the reports)");
      out().println((html ? "open " + out.resolve("report.html").toUri() : "wrote "
          + out.resolve("report.html")) + " (self-contained: tables, SVG charts, attribution,"
          + " cost sources, per-CPU page tables)");
    }
    return ExitCodes.OK;
  }

  /** {@code cpus} of the main runs, checked as the config key checks it. */
  private static int mainCpus(Config base) {
    String v = base.raw("cpus").orElse(String.valueOf(DEFAULT_CPUS));
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= 4096) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException("config key 'cpus': value '" + v + "' is not allowed; allowed:"
        + " integer 1..4096");
  }

  private String header(List<String> archs, int cpus, Config base) {
    return "percpu-lab suite: " + String.join(", ", archs) + " at " + cpus
        + " CPUs, seed " + wopts.seed + "; local map off (baseline) and on ("
        + base.raw("percpu.localLayout").orElse("packed") + " layout; both layouts in report.md's"
        + " design space)";
  }

  /** Names the cells {@link RunCells#add} just appended (one per mode). */
  /** The one-line error of a run that ran out of simulated memory; the exit code. */
  private int outOfMemory(org.percpulab.bench.run.SimulatedOutOfMemory e, Config base) {
    String mem = base.raw("mm.memory").orElse("4G");
    err().println("error: " + e.line(mem,
        org.percpulab.core.machine.MachineSettings.parseSize(mem)));
    return ExitCodes.RUNTIME;
  }

  private static void label(List<String> labels, List<?> cells, String run) {
    String[] modes = {" (baseline)", " (local map)"};
    for (int i = 0; labels.size() < cells.size(); i++) {
      labels.add(run + modes[Math.min(i, 1)]);
    }
  }

  /** The workload's share of --param: only names it knows (others belong to other workloads). */
  static Map<String, Long> filter(String w, int cpus, Map<String, Long> all) {
    Map<String, Long> known = Workloads.create(w, cpus, Map.of()).params();
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : all.entrySet()) {
      if (known.containsKey(e.getKey())) {
        m.put(e.getKey(), e.getValue());
      }
    }
    return m;
  }

  static KernelModelFactory factory(ArchRegistry reg, Config base, String arch, int cpus) {
    Config c = ConfigLoader.applySet(base, "arch=" + arch);
    c = ConfigLoader.applySet(c, "cpus=" + cpus);
    return factories.apply(Boot.boot(Boot.resolve(c, reg)));
  }

  /** Each run backend's own provenance lines ({@code ArchBackend.provenance()}). */
  private static Map<String, List<String>> provenance(ArchRegistry reg, List<String> archs) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String a : archs) {
      m.put(a, reg.select(a).backend().provenance());
    }
    return m;
  }

  private List<String> archs(ArchRegistry reg) {
    List<String> ids = new ArrayList<>(reg.ids());
    if (common.arch == null) {
      List<String> order = new ArrayList<>();
      for (String pref : List.of("arm64", "s390", "generic")) {
        if (ids.remove(pref)) {
          order.add(pref);
        }
      }
      order.addAll(ids);
      return order;
    }
    List<String> out = new ArrayList<>();
    for (String a : common.arch.split(",")) {
      String id = a.trim();
      if (out.contains(id)) {
        throw new ConfigException("option '--arch': value '" + common.arch + "' is not allowed;"
            + " allowed: each backend once, from " + String.join("|", ids));
      }
      if (!ids.contains(id)) {
        throw new ConfigException("option '--arch': value '" + id + "' is not allowed; allowed:"
            + " comma list of " + String.join("|", ids));
      }
      out.add(id);
    }
    return out;
  }

  private List<Integer> sweepCpus() {
    String s = sweepCpusText == null ? DEFAULT_SWEEP : sweepCpusText;
    List<Integer> out = new ArrayList<>();
    if (s.equals("none")) {
      return out;
    }
    for (String p : s.split(",")) {
      try {
        int n = Integer.parseInt(p.trim());
        if (n < 1 || n > 4096) {
          throw new NumberFormatException();
        }
        out.add(n);
      } catch (NumberFormatException e) {
        throw new ConfigException("option '--sweep-cpus': value '" + p.trim() + "' is not allowed;"
            + " allowed: CPU counts 1..4096, comma separated, or none");
      }
    }
    return out;
  }
}
