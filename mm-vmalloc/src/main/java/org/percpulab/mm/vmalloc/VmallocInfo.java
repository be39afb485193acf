package org.percpulab.mm.vmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * /proc/vmallocinfo as mm/vmalloc.c's {@code vmalloc_info_show} prints it, plus the percpu local
 * area ranges the seed series adds.
 *
 * <p>Kernel part, exact: per vmap node (node = (addr / 16 pages) mod nr_vmap_nodes), every busy area
 * in address order as {@code 0x%016lx-0x%016lx %7ld} (start, start + size, size including the guard
 * page), then {@code " " caller} ({@code %pS}, see {@link Caller} for the modelled offset/length),
 * {@code " pages=%d"} if the area owns pages, {@code " phys=0x%016llx"} if it has a physical address,
 * the flag words {@code ioremap sparse vmalloc vmap user dma-coherent vpages} in that order, and
 * {@code " N<node>=<pages>"} per node holding its pages (CONFIG_NUMA). Areas still being set up
 * (VM_UNINITIALIZED) are skipped. Then, per node, the lazily freed areas as
 * {@code 0x%016lx-0x%016lx %7ld unpurged vm_area}. Percpu chunk areas appear as the kernel shows them:
 * caller {@code pcpu_get_vm_areas+0x0/0x…}, flag {@code vmalloc}, no {@code pages=} and no guard.
 *
 * <p><b>Percpu local areas (model extension).</b> The local area is a dedicated VA region owned by
 * mm-percpu, outside vmalloc space; the same virtual range maps a different CPU's unit pages in each
 * CPU's page table, so the kernel's listing would not show it at all (one of the seed's "confusing
 * /proc/vmallocinfo" issues). To stay truthful, every range registered with
 * {@link Vmalloc#registerLocalArea} is printed <em>after</em> all kernel lines, one line per range:
 * <pre>
 * 0x&lt;start&gt;-0x&lt;end&gt; &lt;size&gt; &lt;caller&gt; chunk=&lt;owner&gt; percpu-local
 * </pre>
 * with the same address/size columns, a {@code key=value} naming the owning chunk and the flag word
 * {@code percpu-local}, which no kernel line carries; there is no {@code pages=} or {@code N<n>=}
 * because the backing pages are per CPU (they are the chunk's unit pages, already listed under the
 * chunk's {@code pcpu_get_vm_areas} line). Scripts that expect only kernel lines can drop lines ending
 * in {@code percpu-local}, or render with {@code includeLocal = false}.
 */
public final class VmallocInfo {

  /** Which kind of line an entry is. */
  public enum Kind { AREA, UNPURGED, PERCPU_LOCAL }

  /**
   * One line of the listing.
   *
   * @param nodePages pages per NUMA node (ascending node ids), empty when none
   */
  public record Entry(Kind kind, long start, long end, long size, String caller, int pages,
      long phys, List<String> flags, TreeMap<Integer, Integer> nodePages, String owner) {

    /** The line exactly as the kernel (or, for local ranges, the model) prints it. */
    public String line() {
      StringBuilder sb = new StringBuilder(96);
      sb.append(String.format(Locale.ROOT, "0x%016x-0x%016x %7d", start, end, size));
      switch (kind) {
        case UNPURGED -> sb.append(" unpurged vm_area");
        case PERCPU_LOCAL -> {
          if (caller != null) {
            sb.append(' ').append(caller);
          }
          sb.append(" chunk=").append(owner).append(" percpu-local");
        }
        default -> {
          if (caller != null) {
            sb.append(' ').append(caller);
          }
          if (pages != 0) {
            sb.append(" pages=").append(pages);
          }
          if (phys != 0) {
            sb.append(String.format(Locale.ROOT, " phys=0x%016x", phys));
          }
          for (String f : flags) {
            sb.append(' ').append(f);
          }
          nodePages.forEach((n, c) -> sb.append(" N").append(n).append('=').append(c));
        }
      }
      return sb.toString();
    }
  }

  private VmallocInfo() {
  }

  /** All lines: kernel lines, then (if asked) the percpu local ranges. */
  public static List<Entry> entries(Vmalloc v, boolean includeLocal) {
    int nodes = v.nrVmapNodes();
    List<List<Entry>> perNode = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      perNode.add(new ArrayList<>());
    }
    VmallocHost host = v.host();
    for (VmapAreaAllocator.Range r : v.allocator().busyRanges()) {
      if (!(r.owner() instanceof VmStruct vm) || (vm.flags & VmFlags.VM_UNINITIALIZED) != 0) {
        continue;
      }
      List<String> flags = new ArrayList<>(3);
      int f = vm.flags;
      if ((f & VmFlags.VM_IOREMAP) != 0) {
        flags.add("ioremap");
      }
      if ((f & VmFlags.VM_SPARSE) != 0) {
        flags.add("sparse");
      }
      if ((f & VmFlags.VM_ALLOC) != 0) {
        flags.add("vmalloc");
      }
      if ((f & VmFlags.VM_MAP) != 0) {
        flags.add("vmap");
      }
      if ((f & VmFlags.VM_USERMAP) != 0) {
        flags.add("user");
      }
      if ((f & VmFlags.VM_DMA_COHERENT) != 0) {
        flags.add("dma-coherent");
      }
      if (vm.pagesArray != 0) {
        flags.add("vpages");
      }
      TreeMap<Integer, Integer> np = new TreeMap<>();
      int step = 1 << vm.pageOrder;
      for (int i = 0; i < vm.nrPages; i += step) {
        np.merge(host.nodeOfPfn(vm.pfns[i]), step, Integer::sum);
      }
      perNode.get(v.vmapNodeOf(vm.addr)).add(new Entry(Kind.AREA, vm.addr, vm.addr + vm.size,
          vm.size, vm.caller == null ? null : vm.caller.toString(), vm.nrPages, vm.physAddr,
          List.copyOf(flags), np, null));
    }
    List<Entry> out = new ArrayList<>();
    for (List<Entry> l : perNode) {
      out.addAll(l);
    }
    List<List<Entry>> lazyPerNode = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      lazyPerNode.add(new ArrayList<>());
    }
    List<long[]> lazy = new ArrayList<>(v.lazyRanges());
    lazy.sort((a, b) -> Long.compareUnsigned(a[0], b[0]));
    for (long[] r : lazy) {
      lazyPerNode.get((int) r[2]).add(new Entry(Kind.UNPURGED, r[0], r[1], r[1] - r[0],
          null, 0, 0, List.of(), new TreeMap<>(), null));
    }
    for (List<Entry> l : lazyPerNode) {
      out.addAll(l);
    }
    if (includeLocal) {
      for (LocalAreaRange r : v.localAreas()) {
        out.add(new Entry(Kind.PERCPU_LOCAL, r.start(), r.end(), r.size(),
            r.caller() == null ? null : r.caller().toString(), 0, 0, List.of("percpu-local"),
            new TreeMap<>(), r.owner()));
      }
    }
    return out;
  }

  /** The whole file text (local ranges included). */
  public static String render(Vmalloc v) {
    return render(v, true);
  }

  public static String render(Vmalloc v, boolean includeLocal) {
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries(v, includeLocal)) {
      sb.append(e.line()).append('\n');
    }
    return sb.toString();
  }

  /** JSON array, one object per line of the listing. */
  public static String json(List<Entry> entries) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("\n  {\"kind\":\"").append(e.kind().name().toLowerCase(Locale.ROOT)).append('"');
      sb.append(String.format(Locale.ROOT, ",\"start\":\"0x%016x\",\"end\":\"0x%016x\"", e.start(),
          e.end()));
      sb.append(",\"size\":").append(e.size());
      if (e.caller() != null) {
        sb.append(",\"caller\":\"").append(escape(e.caller())).append('"');
      }
      if (e.kind() == Kind.AREA) {
        sb.append(",\"pages\":").append(e.pages());
        if (e.phys() != 0) {
          sb.append(String.format(Locale.ROOT, ",\"phys\":\"0x%016x\"", e.phys()));
        }
      }
      if (e.owner() != null) {
        sb.append(",\"chunk\":\"").append(escape(e.owner())).append('"');
      }
      sb.append(",\"flags\":[");
      for (int j = 0; j < e.flags().size(); j++) {
        sb.append(j > 0 ? "," : "").append('"').append(e.flags().get(j)).append('"');
      }
      sb.append(']');
      if (!e.nodePages().isEmpty()) {
        sb.append(",\"nodes\":{");
        boolean first = true;
        for (var en : e.nodePages().entrySet()) {
          sb.append(first ? "" : ",").append("\"N").append(en.getKey()).append("\":")
              .append(en.getValue());
          first = false;
        }
        sb.append('}');
      }
      sb.append('}');
    }
    return sb.append(entries.isEmpty() ? "]" : "\n]").append('\n').toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
