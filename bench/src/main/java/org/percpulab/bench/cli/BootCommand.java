package org.percpulab.bench.cli;

import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.machine.MachineModule;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.Region;
import picocli.CommandLine.Command;

/**
 * {@code percpu-lab boot}: boots a machine for the effective config (start_kernel up to paging_init
 * and the per-CPU tables) and prints the geometry, VA layout, CPUs, whether the local map is active
 * (and why not) and the page-table pages split into shared and per-CPU by level.
 */
@Command(name = "boot", description = {
    "Boot a machine for the effective config and print geometry, VA layout, CPUs, the local map",
    "gate and page-table pages (shared and per-CPU, by level)."})
public final class BootCommand extends BaseCommand {

  @Override
  protected int run() {
    Machine m = machine(injector(new MachineModule()));
    if (json()) {
      printJson(json(m));
    } else {
      out().print(text(m));
    }
    return ExitCodes.OK;
  }

  /** The machine from an injector holding {@link MachineModule}; bad config → ConfigException. */
  static Machine machine(Injector injector) {
    try {
      return injector.getInstance(Machine.class);
    } catch (ProvisionException e) {
      Throwable t = e;
      while (t instanceof ProvisionException && t.getCause() != null) {
        t = t.getCause();
      }
      if (t instanceof IllegalArgumentException) {
        throw new ConfigException(t.getMessage());
      }
      throw t instanceof RuntimeException r ? r : e;
    }
  }

  static String hex(long v) {
    return String.format("0x%016x", v);
  }

  /** The JSON document of {@code boot --format json}. */
  static Map<String, Object> json(Machine m) {
    Geometry g = m.geometry();
    PageAllocator a = m.allocator();
    PageTableEngine e = m.engine();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("arch", m.arch());
    o.put("cpus", m.cpus().count());
    o.put("threadsPerCore", m.topology().threadsPerCore());
    o.put("tlbShared", m.topology().tlbSharedBySmt());
    o.put("tlbEntries", m.cpu(0).tlb().capacity());
    o.put("pageSize", g.pageSize());
    o.put("vaBits", g.vaBits());
    o.put("levels", g.levels());
    o.put("translationBaseRegister", m.model().translationBaseRegister());
    o.put("localMap", m.localMapActive());
    o.put("localMapReason", m.gate().reason());
    o.put("memoryBytes", m.mem().bytes());
    List<Object> levels = new ArrayList<>();
    for (int l = 0; l < g.levels(); l++) {
      Map<String, Object> lv = new LinkedHashMap<>();
      lv.put("level", l);
      lv.put("name", g.levelName(l));
      lv.put("kernelName", e.kernelLevelName(l));
      lv.put("shift", g.shift(l));
      lv.put("entries", g.entries(l));
      lv.put("blockAllowed", g.blockAllowed(l));
      lv.put("sharedPages", a.sharedTablePages(l));
      lv.put("perCpuPages", a.perCpuTablePages(l));
      levels.add(lv);
    }
    Map<String, Object> pt = new LinkedHashMap<>();
    pt.put("sharedPages", a.sharedTablePages());
    pt.put("perCpuPages", a.perCpuTablePages());
    pt.put("bytes", (a.sharedTablePages() + a.perCpuTablePages()) * g.pageSize());
    pt.put("sharedBytes", a.sharedTablePages() * g.pageSize());
    pt.put("perCpuBytes", a.perCpuTablePages() * g.pageSize());
    pt.put("levels", levels);
    o.put("pageTables", pt);
    List<Object> layout = new ArrayList<>();
    for (Region r : m.layout().regions()) {
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("name", r.name());
      ro.put("start", hex(r.start()));
      ro.put("end", hex(r.end()));
      layout.add(ro);
    }
    o.put("layout", layout);
    List<Object> priv = new ArrayList<>();
    for (Region r : m.kpt().privateRanges()) {
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("start", hex(r.start()));
      ro.put("end", hex(r.end()));
      priv.add(ro);
    }
    o.put("privateRanges", priv);
    return o;
  }

  /** The text of {@code boot}. */
  static String text(Machine m) {
    Geometry g = m.geometry();
    PageAllocator a = m.allocator();
    StringBuilder sb = new StringBuilder();
    sb.append("arch:        ").append(m.arch()).append(' ').append(m.backend().version()).append('\n');
    sb.append("geometry:    ").append(g.label()).append(", base register ")
        .append(m.model().translationBaseRegister()).append('\n');
    sb.append("cpus:        ").append(m.cpus().count()).append(" (threads/core ")
        .append(m.topology().threadsPerCore()).append(", TLB ")
        .append(m.topology().tlbSharedBySmt() ? "shared by SMT siblings" : "per CPU").append(", ")
        .append(m.cpu(0).tlb().capacity()).append(" entries)\n");
    sb.append("memory:      ").append(m.mem().bytes() >> 20).append(" MiB at ")
        .append(hex(m.mem().startPa())).append('\n');
    sb.append("local map:   ").append(m.localMapActive() ? "active" : "inactive");
    if (!m.gate().reason().isEmpty()) {
      sb.append(" (").append(m.gate().reason()).append(')');
    }
    sb.append('\n');
    sb.append("\nVA layout:\n");
    TextTable lt = new TextTable("REGION", "START", "END", "SIZE");
    for (Region r : m.layout().regions()) {
      lt.row(r.name(), hex(r.start()), hex(r.end()), size(r.end() - r.start()));
    }
    sb.append(lt.render());
    sb.append("\npage tables (pages of ").append(g.pageSize() >> 10).append(" KiB):\n");
    TextTable t = new TextTable("LEVEL", "NAME", "SHIFT", "ENTRIES", "SHARED", "PER-CPU");
    for (int l = 0; l < g.levels(); l++) {
      t.row(l, g.levelName(l), g.shift(l), g.entries(l), a.sharedTablePages(l),
          a.perCpuTablePages(l));
    }
    t.row("total", "", "", "", a.sharedTablePages(), a.perCpuTablePages());
    sb.append(t.render());
    long bytes = (a.sharedTablePages() + a.perCpuTablePages()) * g.pageSize();
    sb.append("bytes: ").append(bytes).append(" (shared ").append(a.sharedTablePages() * g.pageSize())
        .append(", per-CPU ").append(a.perCpuTablePages() * g.pageSize()).append(")\n");
    return sb.toString();
  }

  static String size(long bytes) {
    if (bytes == 0) {
      return "16E";
    }
    String[] units = {"B", "K", "M", "G", "T", "P", "E"};
    int u = 0;
    long v = bytes;
    while (u < units.length - 1 && (v & 1023) == 0 && v >= 1024) {
      v >>>= 10;
      u++;
    }
    return Long.toUnsignedString(v) + units[u];
  }
}
