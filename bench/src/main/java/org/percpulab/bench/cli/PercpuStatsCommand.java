package org.percpulab.bench.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.percpulab.core.machine.Machine;
import org.percpulab.mm.percpu.PercpuStats;
import org.percpulab.mm.percpu.PercpuSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab percpu-stats}: boots the configured machine with percpu, optionally makes some
 * allocations, and prints /sys/kernel/debug/percpu_stats (mm/percpu-stats.c format), preceded by
 * the percpu boot messages with {@code --boot-log}.
 */
@Command(name = "percpu-stats", description = {
    "Print percpu_stats (debugfs) of a booted machine.",
    "Boot the configured machine and print /sys/kernel/debug/percpu_stats in the kernel's format.",
    "--allocs N makes N seeded-random allocations (4..--max-size bytes) first."})
public final class PercpuStatsCommand extends BaseCommand {

  @Option(names = "--allocs", description = "allocations to make before printing, 0..100000 (default 0)")
  @Bounds(min = 0, max = 100_000)
  int allocs;

  @Option(names = "--max-size", description = "largest allocation in bytes, 4..32768 (default 256)")
  @Bounds(min = 4, max = 32_768)
  int maxSize = 256;

  @Option(names = "--seed", description = "random seed for --allocs (default 1)")
  long seed = 1;

  @Option(names = "--boot-log", description = "print the percpu boot messages first")
  boolean bootLog;

  @Override
  protected int run() {
    if (allocs < 0 || maxSize < 4 || maxSize > 32768) {
      err().println("error: --allocs must be >= 0 and --max-size 4..32768 (got " + allocs + ", "
          + maxSize + ")");
      return ExitCodes.BAD_INPUT;
    }
    Machine m = Machine.create(boot().backend(), boot().config());
    PercpuSystem s = PercpuSystem.boot(m);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < allocs; i++) {
      s.alloc(4 + r.nextInt(maxSize - 3), 8, false);
      s.balance();
    }
    String stats = PercpuStats.show(s.allocator());
    if (json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("arch", m.arch());
      o.put("cpus", m.cpus().count());
      o.put("localMap", s.localMapActive());
      o.put("bootLog", s.bootLog());
      o.put("percpuStats", stats);
      printJson(o);
    } else {
      if (bootLog) {
        for (String line : s.bootLog()) {
          out().println(line);
        }
        out().println();
      }
      out().print(stats);
    }
    return ExitCodes.OK;
  }
}
