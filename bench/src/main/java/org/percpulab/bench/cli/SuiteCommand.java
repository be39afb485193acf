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
import org.percpulab.bench.run.Progress;
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
 * {@code --cpus} the comma list of the CPU sweep (default 4,16,64,160,512,4096; {@code none}
 * skips it). The main runs use {@code --set cpus=N} (default {@value #DEFAULT_CPUS}).
 */
@Command(name = "suite",
    description = "Run every workload on every backend with the local map off and on, plus a CPU"
        + " sweep; write results.json, report.md and PNG charts.")
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
      description = "Workloads to run (default: all).")
  List<String> workloads = new ArrayList<>(Workloads.NAMES);

  @Option(names = "--sweep-arch", paramLabel = "ID",
      description = "Backend of the CPU sweep (default: the first --arch, else arm64).")
  String sweepArch;

  @Option(names = "--sweep-memcgs", paramLabel = "N", defaultValue = "64",
      description = "memcgs per sweep point (default: ${DEFAULT-VALUE}).")
  long sweepMemcgs;

  @Option(names = "--threads", paramLabel = "N",
      description = "Runs in parallel (default: available processors, at most 4).")
  int threads = Math.min(4, Runtime.getRuntime().availableProcessors());

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
  protected int run() throws Exception {
    long t0 = System.nanoTime();
    Config base = inputs(common.sets).config();
    ArchRegistry reg = registry();
    List<String> archs = archs(reg);
    int cpus = base.raw("cpus").map(Integer::parseInt).orElse(DEFAULT_CPUS);
    List<Integer> sweepCpus = sweepCpus();
    String sweepArch = this.sweepArch != null ? this.sweepArch : archs.get(0);
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
    List<java.util.concurrent.Callable<RunResult>> tasks = new ArrayList<>();
    List<KernelModelFactory> mainFactories = new ArrayList<>();
    for (String arch : archs) {
      KernelModelFactory f = factory(reg, base, arch, cpus);
      mainFactories.add(f);
      for (String w : workloads) {
        Map<String, Long> p = filter(w, cpus, params);
        tasks.add(() -> new WorkloadRunner(f, costs, wopts.nodes, wopts.seed, Progress.quiet())
            .run(Workloads.create(w, cpus, p)));
      }
    }
    int mainRuns = tasks.size();
    String dropped = "";
    if (!sweepCpus.isEmpty() && archs.contains(sweepArch)) {
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
        tasks.add(() -> new WorkloadRunner(f, costs, wopts.nodes, wopts.seed, Progress.quiet())
            .run(Workloads.create(SWEEP_WORKLOAD, n, Map.of("memcgs", sweepMemcgs))));
      }
    }
    List<RunResult> all = runAll(tasks);
    Map<String, Map<String, Long>> perWorkload = new LinkedHashMap<>();
    for (String w : workloads) {
      perWorkload.put(w, filter(w, cpus, params));
    }
    List<org.percpulab.bench.run.AccessRunResult> accessRuns = accesses.equals("none")
        ? List.of() : SuiteAccesses.runAll(SuiteAccesses.tasks(mainFactories, workloads, cpus,
            perWorkload, costs, wopts.nodes, wopts.seed, all.subList(0, mainRuns)), threads);
    List<RunResult> runs = all.subList(0, mainRuns);
    List<RunResult> sweep = all.subList(mainRuns, all.size());
    SuiteResult s = new SuiteResult(archs, workloads, cpus, wopts.seed, runs, sweepCpus,
        SWEEP_WORKLOAD + " (" + sweepMemcgs + " memcgs, " + sweepArch + dropped + ")", sweep,
        costs.table(), provenance(reg, archs));
    Files.createDirectories(out);
    Map<String, Object> results = ResultsJson.suite(s);
    List<Object> accessJson = new ArrayList<>();
    for (org.percpulab.bench.run.AccessRunResult a : accessRuns) {
      Map<String, Object> j = org.percpulab.bench.report.AccessReport.json(a);
      j.remove("sysCostAssumptions");
      accessJson.add(j);
    }
    results.put("accessRuns", accessJson);
    Files.writeString(out.resolve("results.json"), Json.write(results), StandardCharsets.UTF_8);
    String md = ReportMarkdown.write(s) + (accessRuns.isEmpty()
        ? "" : "\n" + org.percpulab.bench.report.AccessReport.rankingMarkdown(accessRuns));
    Files.writeString(out.resolve("report.md"), md, StandardCharsets.UTF_8);
    List<String> charts = Charts.writeAll(s, out);
    Files.writeString(out.resolve("report.html"), ReportHtml.forSuite(s, md, reg, base),
        StandardCharsets.UTF_8);
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
      out().println("percpu-lab suite: " + String.join(", ", archs) + " at " + cpus
          + " CPUs, seed " + wopts.seed + "; local map off (baseline) and on");
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
          + (ms / 1000.0) + " s");
      out().println((html ? "open " + out.resolve("report.html").toUri() : "wrote "
          + out.resolve("report.html")) + " (self-contained: tables, SVG charts, attribution,"
          + " cost sources, per-CPU page tables)");
    }
    return ExitCodes.OK;
  }

  /**
   * Runs the tasks on {@code --threads} threads (each run boots its own machines, nothing is
   * shared), results in task order; a progress bar over finished runs on a terminal.
   */
  private List<RunResult> runAll(List<java.util.concurrent.Callable<RunResult>> tasks)
      throws Exception {
    Progress progress = Progress.forTerminal(err());
    progress.start("suite (" + tasks.size() + " runs)", tasks.size());
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<java.util.concurrent.Future<RunResult>> futures = new ArrayList<>();
      java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
      for (java.util.concurrent.Callable<RunResult> t : tasks) {
        futures.add(pool.submit(() -> {
          RunResult r = t.call();
          synchronized (progress) {
            progress.update(done.incrementAndGet());
          }
          return r;
        }));
      }
      List<RunResult> out = new ArrayList<>();
      for (java.util.concurrent.Future<RunResult> f : futures) {
        try {
          out.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof Exception ex) {
            throw ex;
          }
          throw e;
        }
      }
      progress.finish();
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The workload's share of --param: only names it knows (others belong to other workloads). */
  private static Map<String, Long> filter(String w, int cpus, Map<String, Long> all) {
    Map<String, Long> known = Workloads.create(w, cpus, Map.of()).params();
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : all.entrySet()) {
      if (known.containsKey(e.getKey())) {
        m.put(e.getKey(), e.getValue());
      }
    }
    return m;
  }

  private KernelModelFactory factory(ArchRegistry reg, Config base, String arch, int cpus) {
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
      if (!ids.contains(id)) {
        throw new ConfigException("--arch " + id + ": no such backend; available: "
            + String.join(", ", ids));
      }
      out.add(id);
    }
    return out;
  }

  private List<Integer> sweepCpus() {
    String s = common.cpus == null ? DEFAULT_SWEEP : common.cpus;
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
        throw new ConfigException("--cpus " + p.trim() + ": expected CPU counts 1..4096, comma"
            + " separated, or none");
      }
    }
    return out;
  }
}
