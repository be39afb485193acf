package org.percpulab.core.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.VaLayout;

/**
 * The one check of the local-map contract stated in {@link LocalPerCpuMap}'s Javadoc: what mm-percpu
 * needs from a backend's layout once core has decided the HAVE_LOCAL_PER_CPU_MAP gate. Run on every
 * boot ({@link MachineModule}) and by the conformance kit. Each broken rule becomes one
 * {@link Violation} naming the backend, the rule and what to fix.
 */
public final class LocalMapContract {

  /** Config key of the local layout (issue 12); mirror when absent. */
  public static final String LAYOUT_KEY = "percpu.localLayout";

  /** One broken rule. */
  public record Violation(String backend, String rule, String text) {
    public String message() {
      return "backend '" + backend + "' breaks the local-map contract (rule '" + rule + "'): "
          + text;
    }
  }

  private LocalMapContract() { }

  /** Throws {@link IllegalStateException} with the first violation's one-line message. */
  public static void check(ArchBackend backend, ArchModel model, LocalMapGate gate,
      ConfigView config, MachineTopology topo) {
    List<Violation> v = violations(backend, model, gate, config, topo);
    if (!v.isEmpty()) {
      throw new IllegalStateException(v.get(0).message());
    }
  }

  /** Every broken rule, in the order of the Javadoc list; empty when the contract holds. */
  public static List<Violation> violations(ArchBackend backend, ArchModel model, LocalMapGate gate,
      ConfigView config, MachineTopology topo) {
    List<Violation> out = new ArrayList<>();
    String id = backend.id();
    Optional<LocalPerCpuMap> cap = model.capability(LocalPerCpuMap.class);
    VaLayout l = model.layout();
    if (!gate.selected()) {
      return out;
    }
    if (cap.isEmpty()) {
      if (gate.active()) {
        out.add(new Violation(id, "gate", "the gate is active but the model returns no "
            + "LocalPerCpuMap capability; return it from ArchModel.capability whenever "
            + "features() lists HAVE_LOCAL_PER_CPU_MAP"));
      }
      return out;
    }
    LocalPerCpuMap lm = cap.get();
    Region la = lm.localArea();
    if (la == null || Long.compareUnsigned(la.start(), la.end() - 1) > 0) {
      out.add(new Violation(id, "gate", "localArea() is empty or null; return the [start, end) "
          + "the per-CPU tables map"));
      return out;
    }
    @SuppressWarnings("deprecation")
    Optional<String> capRefuse = lm.refuseReason(topo);
    if (capRefuse.isPresent() && backend.localMapRefusal(topo).isEmpty()) {
      out.add(new Violation(id, "refusal", "LocalPerCpuMap.refuseReason refuses (" + capRefuse.get()
          + ") but ArchBackend.localMapRefusal does not; core decides the gate before the layout "
          + "exists, so move the check to ArchBackend.localMapRefusal"));
    }
    boolean carved = false;
    for (Region r : l.regions()) {
      if (r.start() == la.start() && r.end() == la.end()) {
        carved = true;
      }
    }
    if (gate.active()) {
      if (!carved) {
        out.add(new Violation(id, "gate", "the gate is active but VaLayout.regions() has no region "
            + hex(la) + " (the local area); carve it out when configure() is told "
            + "localMap.active()"));
      }
      for (Region r : l.regions()) {
        boolean same = r.start() == la.start() && r.end() == la.end();
        if (!same && overlaps(r, la)) {
          out.add(new Violation(id, "gate", "region '" + r.name() + "' " + hex(r)
              + " overlaps the local area " + hex(la) + "; lower it (e.g. VMALLOC_END) below the "
              + "area when the gate is active"));
        }
      }
      if (overlaps(new Region("vmalloc", l.vmallocStart(), l.vmallocEnd()), la)) {
        out.add(new Violation(id, "gate", "vmalloc [" + hexv(l.vmallocStart()) + ", "
            + hexv(l.vmallocEnd()) + ") overlaps the local area " + hex(la)
            + "; VMALLOC_END must not reach into the area"));
      }
    } else {
      if (carved || l.vmallocEnd() == la.start()) {
        out.add(new Violation(id, "gate", "the gate is inactive (" + gate.reason() + ") but the "
            + "layout still carves out the local area " + hex(la) + "; use the kernel's own layout "
            + "when configure() is told !localMap.active()"));
      }
    }
    Geometry g = model.geometry();
    int pl = lm.privateLevel();
    if (!gate.active()) {
      earlyMap(out, id, model, gate);
      return out;
    }
    if (pl < 0 || pl > g.levels() - 2) {
      out.add(new Violation(id, "private level", "privateLevel() = " + pl + " is outside 0.."
          + (g.levels() - 2)));
    } else {
      long esz = g.entrySize(pl);
      if ((la.start() & (esz - 1)) != 0 || (la.end() & (esz - 1)) != 0) {
        out.add(new Violation(id, "private level", "the local area " + hex(la) + " does not start"
            + " and end on level-" + pl + " entry boundaries (0x" + Long.toHexString(esz)
            + " bytes); align it so that it owns whole entries at its private level"));
      }
      for (int lv = 0; lv < pl; lv++) {
        long e = g.entrySize(lv);
        if ((la.start() & -e) != ((la.end() - 1) & -e)) {
          out.add(new Violation(id, "private level", "the local area " + hex(la) + " spans more "
              + "than one level-" + lv + " entry; it must lie inside one entry of every level "
              + "above its private level " + pl));
        }
      }
      long first = la.start() & -esz;
      long last = ((la.end() - 1) & -esz) + esz - 1;
      for (Region r : l.regions()) {
        if (r.start() == la.start() && r.end() == la.end()) {
          continue;
        }
        long rl = r.end() - 1;
        if (!(Long.compareUnsigned(rl, first) < 0 || Long.compareUnsigned(r.start(), last) > 0)) {
          out.add(new Violation(id, "isolation", "region '" + r.name() + "' " + hex(r)
              + " shares a level-" + pl + " entry with the local area " + hex(la)
              + "; those entries are per-CPU, so move the area or the region"));
        }
      }
    }
    PerCpuAreaSpec spec = model.perCpuAreas();
    earlyMap(out, id, model, gate);
    if (layout(config).equals("mirror")) {
      if (spec.firstChunk() != PerCpuAreaSpec.FirstChunk.PAGE) {
        out.add(new Violation(id, "first chunk", "the mirror layout needs the page first chunk "
            + "with the local map (the embed first chunk lives in the linear map, outside the "
            + "mirrored vmalloc window); return FirstChunk.PAGE when localMap.active()"));
      }
      long w = la.end() - la.start();
      if (l.vmallocEnd() != la.start()) {
        out.add(new Violation(id, "placement", "the mirror layout needs the local area to start "
            + "at VMALLOC_END, but VMALLOC_END = " + hexv(l.vmallocEnd()) + " and the area is "
            + hex(la) + "; put the area right above the lowered VMALLOC_END"));
      } else if (Long.compareUnsigned(la.start() - w, l.vmallocStart()) < 0
          || Long.compareUnsigned(la.start() - w, la.start()) > 0) {
        out.add(new Violation(id, "placement", "the mirrored window [" + hexv(la.start() - w)
            + ", " + hexv(la.start()) + ") does not fit in vmalloc (starts at "
            + hexv(l.vmallocStart()) + "); make the area at most as large as the vmalloc space "
            + "below it"));
      }
    }
    return out;
  }

  private static void earlyMap(List<Violation> out, String id, ArchModel model, LocalMapGate gate) {
    boolean early = model.perCpuAreas().earlyLocalMap();
    if (early != gate.active()) {
      out.add(new Violation(id, "early map", "PerCpuAreaSpec.earlyLocalMap() = " + early
          + " but the gate is " + (gate.active() ? "active" : "inactive")
          + "; set it to localMap.active()"));
    }
  }

  /** The local layout the config selects ({@value #LAYOUT_KEY}, default mirror). */
  public static String layout(ConfigView c) {
    return c == null ? "mirror" : c.raw(LAYOUT_KEY).map(String::trim).filter(s -> !s.isEmpty())
        .orElse("mirror");
  }

  private static boolean overlaps(Region a, Region b) {
    long ae = a.end() - 1;
    long be = b.end() - 1;
    return Long.compareUnsigned(a.start(), be) <= 0 && Long.compareUnsigned(b.start(), ae) <= 0
        && Long.compareUnsigned(a.start(), ae) <= 0;
  }

  private static String hex(Region r) {
    return "[" + hexv(r.start()) + ", " + hexv(r.end()) + ")";
  }

  private static String hexv(long v) {
    return String.format("0x%016x", v);
  }
}
