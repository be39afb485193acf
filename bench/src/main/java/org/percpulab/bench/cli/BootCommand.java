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
import org.percpulab.mm.percpu.PcpuAllocInfo;
import org.percpulab.mm.percpu.PercpuSystem;
import picocli.CommandLine.Command;

/**
 * {@code percpu-lab boot}: boots a machine for the effective config (start_kernel up to paging_init
 * and the per-CPU tables, then vmalloc_init and setup_per_cpu_areas with the first chunk's local
 * range mapped into every CPU's table) and prints the geometry, VA layout, CPUs, whether the local
 * map is active (and why not), the percpu first chunk (the kernel's boot lines in text) and the
 * page-table pages split into shared and per-CPU by level, counted after setup_per_cpu_areas.
 */
@Command(name = "boot", description = {
    "Boot a machine; print layout, CPUs, percpu, page tables.",
    "Boot a machine for the effective config and print geometry, VA layout, CPUs, the local map",
    "gate, the percpu first chunk (with the kernel's percpu boot lines) and page-table pages",
    "(shared and per-CPU, by level, after setup_per_cpu_areas)."})
public final class BootCommand extends BaseCommand {

  @Override
  protected int run() {
    long t0 = System.nanoTime();
    long c0 = RunCommand.threadCpuNanos();
    Machine m = machine(injector(new MachineModule()));
    PercpuSystem s = PercpuSystem.boot(m);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    long cpuMs = (RunCommand.threadCpuNanos() - c0) / 1_000_000;
    if (json()) {
      printJson(json(s));
    } else {
      out().print(text(s));
      out().println("host time: boot " + ms + " ms, thread CPU " + cpuMs + " ms (machine, page"
          + " tables, CPUs and setup_per_cpu_areas; JVM start excluded)");
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

  /**
   * The {@code percpu} object of {@code boot --format json}: the first chunk's sizes in bytes
   * (pcpu_alloc_info: static, reserved, dynamic, unit, atom) and, with the local map active, the
   * local area's VA range and {@code __per_cpu_local_off} as hex strings (JSON null when the local
   * map is off: no local area exists and the constant is not defined).
   */
  static Map<String, Object> percpu(PercpuSystem s) {
    PcpuAllocInfo ai = s.allocator().allocInfo();
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("unitSize", ai.unitSize);
    o.put("staticSize", ai.staticSize);
    o.put("reservedSize", ai.reservedSize);
    o.put("dynSize", ai.dynSize);
    o.put("atomSize", ai.atomSize);
    o.put("nrGroups", ai.nrGroups());
    o.put("baseAddr", hex(s.allocator().baseAddr()));
    boolean local = s.localMapActive();
    Region la = local ? s.machine().kpt().localArea() : null;
    o.put("localAreaStart", local ? hex(la.start()) : null);
    o.put("localAreaEnd", local ? hex(la.end()) : null);
    o.put("firstChunkLocalBase", local ? hex(s.firstLocalBase()) : null);
    o.put("perCpuLocalOff", local ? hex(s.perCpuLocalOff()) : null);
    return o;
  }

  /** The JSON document of {@code boot --format json}. */
  static Map<String, Object> json(PercpuSystem s) {
    Map<String, Object> o = json(s.machine());
    Map<String, Object> withPercpu = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : o.entrySet()) {
      if (e.getKey().equals("pageTables")) {
        withPercpu.put("percpu", percpu(s));
      }
      withPercpu.put(e.getKey(), e.getValue());
    }
    return withPercpu;
  }

  /** The JSON document of {@code boot --format json} for the machine alone (no percpu). */
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
    m.model().capability(org.percpulab.core.spi.GeometryChoice.class).ifPresent(
        c -> o.put("geometryReason", c.reason()));
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

  /** The text of {@code boot}: the machine, then the percpu boot lines and first chunk. */
  static String text(PercpuSystem s) {
    String machine = text(s.machine());
    int tables = machine.indexOf("\npage tables (");
    StringBuilder sb = new StringBuilder(machine.substring(0, tables));
    sb.append("\npercpu (setup_per_cpu_areas):\n");
    for (String line : s.bootLog()) {
      sb.append("  ").append(line.stripTrailing()).append('\n');
    }
    PcpuAllocInfo ai = s.allocator().allocInfo();
    sb.append("  first chunk at ").append(hex(s.allocator().baseAddr())).append(", unit ")
        .append(ai.unitSize).append(" B, atom ").append(ai.atomSize).append(" B\n");
    if (s.localMapActive()) {
      Region la = s.machine().kpt().localArea();
      sb.append("  local area ").append(hex(la.start())).append('-').append(hex(la.end()))
          .append(", first chunk's local range at ").append(hex(s.firstLocalBase()))
          .append(", __per_cpu_local_off ").append(hex(s.perCpuLocalOff())).append('\n');
    } else {
      sb.append("  no local area (local map inactive)\n");
    }
    sb.append(machine.substring(tables));
    return sb.toString();
  }

  /** The text of {@code boot} for the machine alone (no percpu). */
  static String text(Machine m) {
    Geometry g = m.geometry();
    PageAllocator a = m.allocator();
    StringBuilder sb = new StringBuilder();
    sb.append("arch:        ").append(m.arch()).append(' ').append(m.backend().version()).append('\n');
    sb.append("geometry:    ").append(g.label()).append(", base register ")
        .append(m.model().translationBaseRegister()).append('\n');
    m.model().capability(org.percpulab.core.spi.GeometryChoice.class).ifPresent(
        c -> sb.append("  chosen:    ").append(c.reason()).append('\n'));
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
