package org.percpulab.bench.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.NoteSource;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.PtdumpTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab ptdump}: /sys/kernel/debug/kernel_page_tables of the booted machine (mm/ptdump.c
 * with the backend's {@link PtdumpTables}), for swapper_pg_dir or one CPU's own table; {@code --diff}
 * prints only the ranges whose mapping differs between two CPUs; {@code --check-wx} is the kernel's
 * ptdump_check_wx (debugfs check_wx_pages).
 */
@Command(name = "ptdump", description = "Dump kernel page tables in the kernel's ptdump format.")
public final class PtdumpCommand extends BaseCommand {

  @Option(names = "--cpu", paramLabel = "N", description = "Dump CPU N's table (its TTBR1), 0..4095.")
  @Bounds(min = 0, max = 4095)
  Integer cpu;

  @Option(names = "--swapper", description = "Dump swapper_pg_dir (the default).")
  boolean swapper;

  @Option(names = "--diff", arity = "2", paramLabel = "CPU",
      description = "Only the ranges that differ between two CPUs' tables (CPUs 0..4095).")
  @Bounds(min = 0, max = 4095)
  int[] diff;

  @Option(names = "--check-wx", description = "The W+X check (ptdump_check_wx).")
  boolean checkWx;

  @Option(names = "--no-percpu",
      description = "Dump the bare booted machine (no setup_per_cpu_areas / local mapping).")
  boolean noPercpu;

  /**
   * The machine to dump: booted, then (unless --no-percpu) setup_per_cpu_areas with the first and
   * reserved chunk mapped into every CPU's local area, as the kernel has it when debugfs exists.
   */
  protected Machine machine() {
    Machine m = Machine.create(resolved().backend().backend(), resolved().config());
    if (!noPercpu) {
      org.percpulab.mm.percpu.PercpuSystem.boot(m);
    }
    return m;
  }

  @Override
  protected int run() {
    if (cpu != null && swapper) {
      throw new ConfigException("options '--cpu' and '--swapper' are mutually exclusive");
    }
    Machine m = machine();
    PtdumpTables tables = m.model().capability(PtdumpTables.class).orElseThrow(() ->
        new ConfigException("config key 'arch': value '" + m.arch() + "' is not allowed for"
            + " ptdump (the backend provides no ptdump tables); allowed: a backend with ptdump"));
    long pageSize = m.geometry().pageSize();
    List<String> lines;
    String what;
    if (diff != null) {
      checkCpu(m, diff[0], "--diff");
      checkCpu(m, diff[1], "--diff");
      lines = Ptdump.diffCpus(tables, m.model().descriptors(), notes(m, diff[0]),
          notes(m, diff[1]), pageSize);
      what = "diff cpu" + diff[0] + " cpu" + diff[1];
    } else {
      int c = -1;
      if (cpu != null) {
        checkCpu(m, cpu, "--cpu");
        c = cpu;
      }
      NoteSource src = notes(m, c);
      lines = checkWx ? Ptdump.checkWx(tables, src, pageSize) : Ptdump.dump(tables, src, pageSize);
      what = c < 0 ? "swapper" : "cpu" + c;
    }
    if (json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("arch", m.arch());
      o.put("table", what);
      o.put("localMap", m.localMapActive());
      o.put("lines", lines);
      printJson(o);
    } else {
      if (diff != null) {
        out().println("--- cpu" + diff[0] + " (CPU " + diff[0] + "'s kernel page table)");
        out().println("+++ cpu" + diff[1] + " (CPU " + diff[1] + "'s kernel page table)");
        out().println("(lines with '-' are only in cpu" + diff[0] + ", with '+' only in cpu"
            + diff[1] + "; " + lines.size() + " lines)");
      }
      for (String l : lines) {
        out().println(l);
      }
    }
    return ExitCodes.OK;
  }

  private static NoteSource notes(Machine m, int cpu) {
    long pgd = cpu < 0 ? m.kpt().swapperPgd() : m.kpt().pgdOf(cpu);
    return EngineNotes.of(m.engine(), pgd);
  }

  private static void checkCpu(Machine m, int c, String opt) {
    if (c < 0 || c >= m.cpus().count()) {
      throw new ConfigException("option '" + opt + "': value '" + c + "' is not allowed; allowed: 0.."
          + (m.cpus().count() - 1));
    }
  }
}
