package org.percpulab.bench.cli;

import java.util.SplittableRandom;
import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.machine.Machine;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.vmalloc.Vmalloc;
import org.percpulab.mm.vmalloc.VmallocInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab vmallocinfo}: boots the machine for the config (vmalloc_init, then
 * setup_per_cpu_areas), optionally makes percpu allocations so that dynamic chunks exist, and
 * prints /proc/vmallocinfo (mm/vmalloc.c vmalloc_info_show) in the kernel's line format, followed
 * by the registered percpu local-area ranges marked {@code percpu-local} (see {@link VmallocInfo});
 * {@code --format json} gives one object per line.
 */
@Command(name = "vmallocinfo", description = {
    "Print /proc/vmallocinfo of a booted machine.",
    "Boot the machine for the config (with percpu) and print /proc/vmallocinfo in the kernel's",
    "format. Percpu local-area ranges (model extension) follow the kernel lines, marked",
    "'percpu-local'. --allocs N makes N seeded-random percpu allocations first (dynamic chunks",
    "appear as pcpu_get_vm_areas lines)."})
public final class VmallocinfoCommand extends BaseCommand {

  @Option(names = "--kernel-only",
      description = "Print only the lines the kernel prints (no percpu-local lines).")
  boolean kernelOnly;

  @Option(names = "--allocs", description = "percpu allocations to make first, 0..100000 (default 0)")
  @Bounds(min = 0, max = 100_000)
  int allocs;

  @Option(names = "--max-size", description = "largest allocation in bytes, 4..32768 (default 4096)")
  @Bounds(min = 4, max = 32_768)
  int maxSize = 4096;

  @Option(names = "--seed", description = "random seed for --allocs (default 1)")
  long seed = 1;

  @Override
  protected int run() {
    if (allocs < 0 || maxSize < 4 || maxSize > 32768) {
      err().println("error: --allocs must be >= 0 and --max-size 4..32768 (got " + allocs + ", "
          + maxSize + ")");
      return ExitCodes.BAD_INPUT;
    }
    ResolvedConfig r = resolved();
    Machine m = Machine.create(r.backend().backend(), r.config());
    Vmalloc v = Vmalloc.boot(m);
    PercpuSystem s = PercpuSystem.boot(m, v);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < allocs; i++) {
      s.alloc(4 + rnd.nextInt(maxSize - 3), 8, false);
      s.balance();
    }
    if (json()) {
      out().print(VmallocInfo.json(VmallocInfo.entries(v, !kernelOnly)));
    } else {
      out().print(VmallocInfo.render(v, !kernelOnly));
    }
    return ExitCodes.OK;
  }
}
