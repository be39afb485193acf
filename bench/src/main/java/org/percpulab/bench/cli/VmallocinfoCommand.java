package org.percpulab.bench.cli;

import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.machine.Machine;
import org.percpulab.mm.vmalloc.Vmalloc;
import org.percpulab.mm.vmalloc.VmallocInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab vmallocinfo}: boots the machine for the config and prints /proc/vmallocinfo
 * (mm/vmalloc.c vmalloc_info_show) in the kernel's line format, followed by the registered percpu
 * local-area ranges marked {@code percpu-local} (see {@link VmallocInfo}); {@code --format json}
 * gives one object per line.
 */
@Command(name = "vmallocinfo", description = {
    "Boot the machine for the config and print /proc/vmallocinfo in the kernel's format.",
    "Percpu local-area ranges (model extension) follow the kernel lines, marked 'percpu-local'."})
public final class VmallocinfoCommand extends BaseCommand {

  @Option(names = "--kernel-only",
      description = "Print only the lines the kernel prints (no percpu-local lines).")
  boolean kernelOnly;

  @Override
  protected int run() {
    ResolvedConfig r = resolved();
    Machine m = Machine.create(r.backend().backend(), r.config());
    Vmalloc v = Vmalloc.boot(m);
    if (json()) {
      out().print(VmallocInfo.json(VmallocInfo.entries(v, !kernelOnly)));
    } else {
      out().print(VmallocInfo.render(v, !kernelOnly));
    }
    return ExitCodes.OK;
  }
}
