package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.machine.KernelVaRange;
import org.percpulab.core.machine.MachineModule;
import org.percpulab.core.pgtable.WalkResult;
import org.percpulab.core.pgtable.WalkStep;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.mm.percpu.PercpuSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code percpu-lab walk VA [--cpu N]}: a software walk of one kernel VA on the machine {@code boot}
 * and {@code ptdump} show (booted, then setup_per_cpu_areas with the local map as configured), from
 * CPU N's translation base (or swapper): each level's index, entry and decoded attributes, then the
 * physical address or the faulting level (like gdb-pt-dump's walk). A VA outside the kernel half or
 * not canonical for the geometry is bad input ({@link KernelVaRange}).
 */
@Command(name = "walk", description = {
    "Walk the kernel page table for VA, level by level.",
    "Walk the kernel page table for VA on the booted machine (percpu set up, as boot and ptdump",
    "show it) and print every level: index, entry (hex), decoded attributes, and the resulting",
    "physical address or fault. VA must be a canonical kernel address."})
public final class WalkCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "VA", description = "virtual address (hex with 0x, or decimal)")
  String vaText;

  @Option(names = "--cpu", paramLabel = "N", description = "walk CPU N's table, 0..4095 (default 0)")
  @Bounds(min = 0, max = 4095)
  int cpu;

  @Option(names = "--swapper", description = "walk swapper_pg_dir instead of a CPU's table")
  boolean swapper;

  @Override
  protected int run() {
    long va = parseVa(vaText);
    BootContext ctx = boot();
    KernelVaRange kernel = KernelVaRange.of(ctx.model().geometry(), ctx.model().layout());
    String why = kernel.problem(va);
    if (why != null) {
      throw new ConfigException("parameter 'VA': value '" + vaText + "' is not allowed; allowed: a "
          + "kernel address " + kernel.describe() + " (" + ctx.model().geometry().label() + "; "
          + BootCommand.hex(va) + " is " + why + ")");
    }
    int cpus = ctx.topology().cpus();
    if (cpu < 0 || cpu >= cpus) {
      throw new ConfigException("option '--cpu': value '" + cpu + "' is not allowed; allowed: 0.."
          + (cpus - 1));
    }
    Machine m = BootCommand.machine(injector(new MachineModule()));
    PercpuSystem.boot(m);
    long pgd = swapper ? m.kpt().swapperPgd() : m.kpt().pgdOf(cpu);
    WalkResult r = m.engine().walk(pgd, va);
    DescriptorFormat f = m.model().descriptors();
    if (json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("va", BootCommand.hex(va));
      o.put("table", swapper ? "swapper" : "cpu" + cpu);
      o.put("pgd", BootCommand.hex(pgd));
      List<Object> steps = new ArrayList<>();
      for (WalkStep s : r.steps()) {
        Map<String, Object> so = new LinkedHashMap<>();
        so.put("level", s.level());
        so.put("name", m.geometry().levelName(s.level()));
        so.put("index", s.index());
        so.put("entryPa", BootCommand.hex(s.entryPa()));
        so.put("entry", BootCommand.hex(s.entry()));
        so.put("attributes", f.describe(s.level(), s.entry()));
        steps.add(so);
      }
      o.put("steps", steps);
      if (r instanceof WalkResult.Translation t) {
        o.put("mapped", true);
        o.put("pa", BootCommand.hex(t.pa()));
        o.put("leafLevel", t.level());
        o.put("leafSize", t.leafSize());
      } else {
        o.put("mapped", false);
        o.put("faultLevel", ((WalkResult.Fault) r).level());
      }
      printJson(o);
      return ExitCodes.OK;
    }
    StringBuilder sb = new StringBuilder();
    sb.append("walk ").append(BootCommand.hex(va)).append(" on ")
        .append(swapper ? "swapper_pg_dir" : "CPU " + cpu + " (" + m.model().translationBaseRegister()
            + ")")
        .append(" pgd ").append(BootCommand.hex(pgd)).append('\n');
    TextTable t = new TextTable("LEVEL", "NAME", "INDEX", "ENTRY", "ATTRIBUTES");
    for (WalkStep s : r.steps()) {
      t.row(s.level(), m.geometry().levelName(s.level()), s.index(), BootCommand.hex(s.entry()),
          f.describe(s.level(), s.entry()));
    }
    sb.append(t.render());
    if (r instanceof WalkResult.Translation tr) {
      sb.append("result: PA ").append(BootCommand.hex(tr.pa())).append(" (")
          .append(BootCommand.size(tr.leafSize())).append(" leaf at level ").append(tr.level())
          .append(")\n");
    } else {
      sb.append("result: translation fault at level ").append(((WalkResult.Fault) r).level())
          .append('\n');
    }
    out().print(sb);
    return ExitCodes.OK;
  }

  static long parseVa(String text) {
    String t = text.trim().replace("_", "");
    try {
      if (t.startsWith("0x") || t.startsWith("0X")) {
        return Long.parseUnsignedLong(t.substring(2), 16);
      }
      return Long.parseUnsignedLong(t);
    } catch (NumberFormatException e) {
      throw new ConfigException("parameter 'VA': value '" + text
          + "' is not allowed; allowed: a 64-bit address, hex with 0x or decimal");
    }
  }
}
