package org.percpulab.bench.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.run.RunResult;
import org.percpulab.bench.run.SysCostModel;
import org.percpulab.bench.sweep.SweepResults;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.config.CoreKeys;
import org.percpulab.core.plugin.ArchRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code percpu-lab job FILE}: runs exactly one sweep cell from the job file {@code sweep
 * --emit-jobs} wrote (both modes) and writes its result next to it or into {@code --out}, as
 * {@code cell-NNNNNN.result.json}; {@code sweep --collect} gathers them. The job file alone
 * decides the run: its config, cell settings, parameters, seed and cost assumptions.
 */
@Command(name = "job",
    description = "Run one sweep cell from a job file written by 'sweep --emit-jobs' and write"
        + " its result (cell-NNNNNN.result.json) for 'sweep --collect'.")
public final class JobCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "FILE", description = "The job file.")
  Path file;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Directory for the result (default: the job file's directory).")
  Path outDir;

  @Override
  @SuppressWarnings("unchecked")
  protected int run() throws Exception {
    Map<String, Object> job;
    try {
      job = (Map<String, Object>) JsonParser.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new ConfigException("job file '" + file + "': cannot read (" + e.getMessage() + ")");
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException("job file '" + file + "': not JSON (" + e.getMessage() + ")");
    }
    if (!SweepCommand.JOB_FORMAT.equals(job.get("format"))) {
      throw new ConfigException("job file '" + file + "': key 'format': value '"
          + job.get("format") + "' is not allowed; allowed: " + SweepCommand.JOB_FORMAT);
    }
    int cell;
    int cells;
    List<String> axes;
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, Long> params = new LinkedHashMap<>();
    Config base = Config.empty();
    SysCostModel costs;
    long seed;
    int nodes;
    try {
      cell = ((Number) job.get("cell")).intValue();
      cells = ((Number) job.get("cells")).intValue();
      axes = (List<String>) job.get("axes");
      for (Map.Entry<String, Object> e : ((Map<String, Object>) job.get("config")).entrySet()) {
        base = ConfigLoader.applySet(base, e.getKey() + "=" + e.getValue());
      }
      for (Map.Entry<String, Object> e : ((Map<String, Object>) job.get("settings")).entrySet()) {
        settings.put(e.getKey(), String.valueOf(e.getValue()));
      }
      for (Map.Entry<String, Object> e : ((Map<String, Object>) job.get("params")).entrySet()) {
        params.put(e.getKey(), ((Number) e.getValue()).longValue());
      }
      costs = new SysCostModel().with(new ArrayList<>((List<String>) job.get("sysCosts")));
      seed = ((Number) job.get("seed")).longValue();
      nodes = ((Number) job.get("nodes")).intValue();
    } catch (NullPointerException | ClassCastException e) {
      throw new ConfigException("job file '" + file + "': missing or malformed key (cell, cells,"
          + " axes, config, settings, params, sysCosts, seed, nodes)");
    } catch (IllegalArgumentException e) {
      throw new ConfigException("job file '" + file + "': " + e.getMessage());
    }
    String dir = base.raw(CoreKeys.PLUGINS_DIR).orElse(CoreKeys.DEFAULT_PLUGINS_DIR);
    try (ArchRegistry reg = ArchRegistry.load(Path.of(dir))) {
      warnPluginErrors(reg);
      SweepCells.Cell c = SweepCells.prepare(reg, base, cell, settings, params, costs, nodes,
          seed);
      RunResult r = c.runner().run(c.newWorkload());
      Map<String, Object> doc = SweepResults.document(cell, cells, axes,
          SweepResults.row(cell, settings, r));
      Path dest = outDir != null ? outDir : file.toAbsolutePath().getParent();
      Files.createDirectories(dest);
      String name = SweepCommand.jobName(cell).replace(".json", SweepCommand.RESULT_SUFFIX);
      Files.writeString(dest.resolve(name), Json.write(doc), StandardCharsets.UTF_8);
      out().println("wrote " + dest.resolve(name));
    }
    return ExitCodes.OK;
  }
}
