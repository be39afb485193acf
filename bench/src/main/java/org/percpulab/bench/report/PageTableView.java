package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.Region;
import org.percpulab.mm.percpu.PercpuSystem;

/**
 * The per-CPU page-table view of report.html: one machine booted with the local map (the suite's
 * config, setup_per_cpu_areas done), its kernel VA layout as CPU 0 and CPU 1 see it, the shared
 * and private table pages per level, and the ptdump text of both CPUs and their difference.
 *
 * @param title what was booted (arch, CPUs, geometry, local map state)
 * @param vaStart lowest kernel VA drawn
 * @param regions the layout's regions, by address
 * @param localArea the percpu local area, or null without the local map
 * @param levelNames per level: name; counts below follow the same order
 * @param shared shared table pages per level
 * @param cpu0 CPU 0's private table pages per level
 * @param cpu1 CPU 1's private table pages per level
 * @param ptdumpCpu0 ptdump of CPU 0's table
 * @param ptdumpCpu1 ptdump of CPU 1's table
 * @param diff ranges that differ between the two
 */
public record PageTableView(String title, long vaStart, List<Region> regions, Region localArea,
    List<String> levelNames, long[] shared, long[] cpu0, long[] cpu1, List<String> ptdumpCpu0,
    List<String> ptdumpCpu1, List<String> diff) {

  /**
   * Boots {@code arch} with {@code cpus} (at least 2) CPUs on {@code base} with the local map on
   * where the backend has it (else off, and the title says so).
   */
  public static PageTableView boot(ArchRegistry reg, Config base, String arch, int cpus) {
    Config c = ConfigLoader.applySet(base, "arch=" + arch);
    c = ConfigLoader.applySet(c, "cpus=" + Math.max(2, cpus));
    Config on = ConfigLoader.applySet(c, "percpu.localMap=on");
    Machine m;
    try {
      m = Machine.create(reg.select(arch).backend(), Boot.resolve(on, reg).config());
    } catch (RuntimeException e) {
      m = Machine.create(reg.select(arch).backend(),
          Boot.resolve(ConfigLoader.applySet(c, "percpu.localMap=off"), reg).config());
    }
    PercpuSystem.boot(m);
    int levels = m.geometry().levels();
    List<String> names = new ArrayList<>();
    long[] shared = new long[levels];
    long[] p0 = new long[levels];
    long[] p1 = new long[levels];
    for (int l = 0; l < levels; l++) {
      names.add("L" + l);
      shared[l] = m.allocator().sharedTablePages(l);
      p0[l] = m.allocator().tablePagesOfCpu(0, l);
      p1[l] = m.allocator().tablePagesOfCpu(1, l);
    }
    Region local = m.localMapActive() ? m.model().capability(LocalPerCpuMap.class)
        .map(LocalPerCpuMap::localArea).orElse(null) : null;
    PtdumpTables tables = m.model().capability(PtdumpTables.class).orElse(null);
    long ps = m.geometry().pageSize();
    List<String> d0 = List.of();
    List<String> d1 = List.of();
    List<String> diff = List.of();
    if (tables != null) {
      d0 = Ptdump.dump(tables, EngineNotes.of(m.engine(), m.kpt().pgdOf(0)), ps);
      d1 = Ptdump.dump(tables, EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), ps);
      diff = Ptdump.diffCpus(tables, m.model().descriptors(),
          EngineNotes.of(m.engine(), m.kpt().pgdOf(0)),
          EngineNotes.of(m.engine(), m.kpt().pgdOf(1)), ps);
    }
    List<Region> regions = m.layout().regions();
    long start = regions.isEmpty() ? 0 : regions.get(0).start();
    String title = String.format(Locale.ROOT, "%s, %d CPUs, %dK pages, %d-bit VA, %d levels,"
        + " local map %s", arch, m.cpus().count(), ps >> 10, m.geometry().vaBits(), levels,
        m.localMapActive() ? "on" : "off");
    return new PageTableView(title, start, regions, local, names, shared, p0, p1, d0, d1, diff);
  }
}
