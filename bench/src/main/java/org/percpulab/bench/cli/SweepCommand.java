package org.percpulab.bench.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.ParallelCells;
import org.percpulab.bench.run.Progress;
import org.percpulab.bench.run.RunCells;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.run.SysCostModel;
import org.percpulab.bench.sweep.SweepGrid;
import org.percpulab.bench.sweep.SweepResults;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.plugin.ArchRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab sweep --grid FILE}: every cell of a YAML grid over config keys, workloads and
 * workload parameters ({@link SweepGrid}), local map off and on, into {@code sweep.csv},
 * {@code sweep.json} and a chart per swept axis. The mode cells run on {@code --threads} threads.
 * {@code --emit-jobs DIR} writes one job file per cell instead (run each with
 * {@code percpu-lab job}); {@code --collect DIR} builds the same outputs from their results.
 */
@Command(name = "sweep",
    description = {"Run a YAML grid over config keys and workloads (--grid), or write one job file"
        + " per cell (--emit-jobs) or collect the jobs' results (--collect); writes sweep.csv,"
        + " sweep.json and a chart per swept axis."})
public final class SweepCommand extends BaseCommand {
  static final String JOB_FORMAT = "percpu-lab-job/1";
  static final String RESULT_SUFFIX = ".result.json";

  @Option(names = "--grid", paramLabel = "FILE", description = "The grid (YAML).")
  Path grid;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "sweep-out",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Mixin
  ThreadsOption threads;

  @Option(names = "--emit-jobs", paramLabel = "DIR",
      description = "Write one job file per cell into DIR instead of running them.")
  Path emitJobs;

  @Option(names = "--collect", paramLabel = "DIR",
      description = "Build the outputs from the *" + RESULT_SUFFIX + " files 'job' wrote into DIR.")
  Path collect;

  @Mixin
  WorkloadOptions wopts;

  @Override
  protected int run() throws Exception {
    long t0 = System.nanoTime();
    int nThreads = threads.threads();
    if ((grid == null) == (collect == null)) {
      throw new ConfigException("option '--grid' or '--collect': give exactly one");
    }
    if (collect != null) {
      return finish(readResults(collect), t0);
    }
    if (emitJobs != null && emitJobs.equals(out)) {
      throw new ConfigException("option '--emit-jobs': value '" + emitJobs
          + "' is not allowed; allowed: a directory other than --out");
    }
    SweepGrid g = SweepGrid.read(grid);
    Config base = userConfig();
    ArchRegistry reg = registry();
    warnPluginErrors(reg);
    SysCostModel costs;
    Map<String, Long> params;
    try {
      costs = wopts.sysCostModel();
      params = wopts.params();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    List<SweepCells.Cell> cells = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < g.size(); i++) {
      try {
        cells.add(SweepCells.prepare(reg, base, i, g.cell(i), params, costs, wopts.nodes,
            wopts.seed));
      } catch (ConfigException e) {
        problems.addAll(e.lines());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    if (emitJobs != null) {
      Files.createDirectories(emitJobs);
      for (SweepCells.Cell c : cells) {
        Files.writeString(emitJobs.resolve(jobName(c.index())),
            Json.write(job(base, g, c.index())), StandardCharsets.UTF_8);
      }
      out().println("wrote " + cells.size() + " job files (" + jobName(0) + " ...) into "
          + emitJobs + "; run each with 'percpu-lab job FILE --out RESULTS', then 'percpu-lab"
          + " sweep --collect RESULTS --out " + out + "'");
      return ExitCodes.OK;
    }
    List<Callable<ModeResult>> modeCells = new ArrayList<>();
    List<RunCells> runs = new ArrayList<>();
    for (SweepCells.Cell c : cells) {
      runs.add(RunCells.add(c.runner(), c::newWorkload, modeCells));
    }
    List<ModeResult> done = ParallelCells.run(modeCells, nThreads, progress(), "sweep: "
        + cells.size() + " cells, " + modeCells.size() + " mode runs on "
        + Math.min(nThreads, modeCells.size()) + " threads", null);
    List<Map<String, Object>> docs = new ArrayList<>();
    for (int i = 0; i < cells.size(); i++) {
      RunResult r = runs.get(i).result(done);
      docs.add(roundTrip(SweepResults.document(i, g.size(), g.axes(),
          SweepResults.row(i, cells.get(i).settings(), r))));
    }
    return finish(docs, t0);
  }

  private int finish(List<Map<String, Object>> docs, long t0) throws IOException {
    List<String> charts;
    try {
      charts = SweepResults.write(docs, out);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("sweep --collect " + collect + ": " + e.getMessage());
    }
    out().println("wrote " + out.resolve("sweep.csv") + ", " + out.resolve("sweep.json")
        + " (" + docs.size() + " cells) and " + charts.size() + " charts (" + String.join(", ",
        charts) + ") in " + ((System.nanoTime() - t0) / 1_000_000 / 1000.0) + " s");
    return ExitCodes.OK;
  }

  static String jobName(int cell) {
    return String.format("cell-%06d.json", cell);
  }

  /** The job file of one cell: everything {@code job} needs to run it alone. */
  private Map<String, Object> job(Config base, SweepGrid g, int cell) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", JOB_FORMAT);
    m.put("cell", (long) cell);
    m.put("cells", (long) g.size());
    m.put("axes", g.axes());
    Map<String, Object> config = new LinkedHashMap<>();
    for (String k : base.explicitKeys()) {
      config.put(k, base.raw(k).orElse(""));
    }
    m.put("config", config);
    m.put("settings", new LinkedHashMap<>(g.cell(cell)));
    m.put("params", new LinkedHashMap<>(wopts.params()));
    m.put("seed", wopts.seed);
    m.put("nodes", (long) wopts.nodes);
    m.put("sysCosts", new ArrayList<>(wopts.sysCosts));
    return m;
  }

  /** A document as it reads back from its JSON text (the form {@code --collect} sees). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> roundTrip(Map<String, Object> doc) {
    return (Map<String, Object>) JsonParser.parse(Json.write(doc));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> readResults(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new ConfigException("option '--collect': value '" + dir + "' is not allowed; allowed:"
          + " a directory of *" + RESULT_SUFFIX + " files");
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + RESULT_SUFFIX)) {
      ds.forEach(files::add);
    }
    java.util.Collections.sort(files);
    if (files.isEmpty()) {
      throw new ConfigException("option '--collect': value '" + dir + "' is not allowed; allowed:"
          + " a directory of *" + RESULT_SUFFIX + " files (it has none)");
    }
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Path f : files) {
      try {
        docs.add((Map<String, Object>) JsonParser.parse(Files.readString(f,
            StandardCharsets.UTF_8)));
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new ConfigException("result file '" + f + "': not a job result (" + e.getMessage()
            + ")");
      }
    }
    return docs;
  }
}
