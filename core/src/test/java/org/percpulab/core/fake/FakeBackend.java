package org.percpulab.core.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MachineTopology;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.spi.TlbSpec;
import org.percpulab.core.spi.VaLayout;

/**
 * A small fake architecture for core's own tests (not registered with ServiceLoader, so downstream
 * modules never see it). Geometry from {@code fake.pageShift} (12|14|16) and {@code fake.bits}
 * (index bits per level, top first, 2..5 levels; tables may be smaller or larger than a page, the
 * top may be narrow); {@code fake.invalidBit=true} makes the none descriptor non-zero (s390 style).
 *
 * <p>Descriptors: bit 0 valid (or, in invalid-bit mode, bit 10 set = invalid), bit 1 table/page,
 * output address bits [pageShift, 52), prot code in bits 52..55. Layout of the kernel half
 * {@code [-(2^vaBits), 2^64)} in top-level entries of size S: linear map in the first quarter, vmalloc
 * up to {@code -2S}, the percpu local area {@code [-2S, -S)}, fixmap {@code [-S, 0)}.
 */
public class FakeBackend implements ArchBackend {
  public static final long PHYS_OFFSET = 0x4000_0000L;
  private final String id;
  private final boolean local;
  private final Breakage breakage;

  /**
   * Deliberate contract breaks for the conformance kit's own tests (each one a mistake a plugin
   * author could make).
   */
  public enum Breakage {
    /** None: the fake follows every rule. */
    NONE,
    /** Keeps the embed first chunk with the local map (rule "first chunk"). */
    EMBED_WITH_LOCAL_MAP,
    /** Puts the local area in a free hole above a gap instead of at VMALLOC_END (rule "placement"). */
    AREA_NOT_AT_VMALLOC_END,
    /** Carves out the local area whatever the gate says (rule "gate"). */
    LAYOUT_IGNORES_GATE,
    /** A descriptor format whose address() loses the lowest address bit (no round trip). */
    DESCRIPTOR_NO_ROUND_TRIP
  }

  public FakeBackend() {
    this("fake", true);
  }

  public FakeBackend(String id, boolean local) {
    this(id, local, Breakage.NONE);
  }

  public FakeBackend(String id, boolean local, Breakage breakage) {
    this.id = id;
    this.local = local;
    this.breakage = breakage;
  }

  /** A fake with one deliberate break, id {@code fake-broken}. */
  public static FakeBackend broken(Breakage b) {
    return new FakeBackend("fake", true, b);
  }

  @Override public Optional<String> localMapRefusal(MachineTopology t) {
    return t.tlbSharedBySmt() ? Optional.of("SMT siblings share a TLB") : Optional.empty();
  }

  /** The same fake without HAVE_LOCAL_PER_CPU_MAP. */
  public static FakeBackend withoutLocalMap() {
    return new FakeBackend("fake-nolocal", false);
  }

  @Override public String id() { return id; }

  @Override public String version() { return "0.0.1"; }

  @Override public Set<String> features() {
    return local ? Set.of(Features.HAVE_LOCAL_PER_CPU_MAP) : Set.of();
  }

  @Override public List<ConfigKey> configKeys() {
    return List.of(
        ConfigKey.choice(id + ".pageShift", "12", "granule shift", "12", "14", "16"),
        new ConfigKey(id + ".bits", "9,9,9,9", "index bits per level, top first", "2..5 numbers",
            raw -> parseBits(raw) != null),
        ConfigKey.bool(id + ".invalidBit", false, "none descriptor has an invalid bit set"),
        ConfigKey.bool(id + ".blocks", true, "block leaves allowed below the top level"),
        ConfigKey.bool(id + ".linearPages", false, "linear map page by page (linearMapMaxShift)"));
  }

  static int[] parseBits(String raw) {
    try {
      String[] p = raw.split(",");
      if (p.length < 2 || p.length > 5) {
        return null;
      }
      int[] b = new int[p.length];
      for (int i = 0; i < p.length; i++) {
        b[i] = Integer.parseInt(p[i].trim());
        if (b[i] < 1 || b[i] > 13) {
          return null;
        }
      }
      return b[0] >= 2 ? b : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override public List<Geometry> supportedGeometries() {
    return List.of(geometry(12, new int[] {9, 9, 9, 9}, true));
  }

  @Override public List<ConfigProblem> validate(ConfigView c) {
    List<ConfigProblem> out = new ArrayList<>();
    String bits = c.raw(id + ".bits").orElse("9,9,9,9");
    int[] b = parseBits(bits);
    if (b == null) {
      out.add(new ConfigProblem(id + ".bits", bits, "2..5 comma-separated numbers 1..13, top >= 2"));
    } else {
      int ps = Integer.parseInt(c.raw(id + ".pageShift").orElse("12"));
      int va = ps;
      for (int x : b) {
        va += x;
      }
      if (va > 57) {
        out.add(new ConfigProblem(id + ".bits", bits, "at most 57 VA bits with the page shift"));
      }
    }
    return out;
  }

  /**
   * A bare engine over the fake format (no machine): RAM of {@code ramBytes} at
   * {@link #PHYS_OFFSET}.
   */
  public static org.percpulab.core.pgtable.PageTableEngine engine(int pageShift, int[] bits,
      boolean blocks, boolean invalidBit, long ramBytes) {
    Geometry g = geometry(pageShift, bits, blocks);
    org.percpulab.core.mem.PhysMem mem = new org.percpulab.core.mem.PhysMem(pageShift, PHYS_OFFSET,
        ramBytes);
    return new org.percpulab.core.pgtable.PageTableEngine(g, new Format(pageShift, invalidBit,
        g.levels()), new org.percpulab.core.mem.PageAllocator(mem));
  }

  public static Geometry geometry(int pageShift, int[] bits, boolean blocks) {
    int n = bits.length;
    int[] shifts = new int[n];
    int[] entries = new int[n];
    boolean[] block = new boolean[n];
    String[] names = new String[n];
    int[] cont = new int[n];
    int s = pageShift;
    String[] kn = {"PGD", "P4D", "PUD", "PMD", "PTE"};
    for (int l = n - 1; l >= 0; l--) {
      shifts[l] = s;
      entries[l] = 1 << bits[l];
      s += bits[l];
      block[l] = l == n - 1 || (blocks && l > 0);
      names[l] = kn[l == 0 ? 0 : 5 - (n - l)];
    }
    return new Geometry(pageShift, s, shifts, entries, block, names, cont);
  }

  @Override public ArchModel configure(ConfigView c) {
    return configure(c, new org.percpulab.core.spi.LocalMapDecision(local, ""));
  }

  @Override public ArchModel configure(ConfigView c,
      org.percpulab.core.spi.LocalMapDecision gate) {
    if (!validate(c).isEmpty()) {
      throw new IllegalArgumentException(validate(c).get(0).message());
    }
    int ps = Integer.parseInt(c.raw(id + ".pageShift").orElse("12"));
    int[] bits = parseBits(c.raw(id + ".bits").orElse("9,9,9,9"));
    boolean inv = Boolean.parseBoolean(c.raw(id + ".invalidBit").orElse("false"));
    boolean blocks = Boolean.parseBoolean(c.raw(id + ".blocks").orElse("true"));
    int cpus = Integer.parseInt(c.raw("cpus").orElse("4").trim());
    Geometry g = geometry(ps, bits, blocks);
    Model m = new Model(g, new Format(ps, inv, g.levels(),
        breakage == Breakage.DESCRIPTOR_NO_ROUND_TRIP), cpus, local, local && gate.active(),
        breakage);
    m.linearMaxShift = Boolean.parseBoolean(c.raw(id + ".linearPages").orElse("false")) ? ps : 63;
    return m;
  }

  /** The fake's descriptor format. */
  static final class Format implements DescriptorFormat {
    static final long INV = 1L << 10;
    private final long addrMask;
    private final boolean inv;
    private final int last;
    private final long lossy;

    Format(int pageShift, boolean inv, int levels) {
      this(pageShift, inv, levels, false);
    }

    Format(int pageShift, boolean inv, int levels, boolean lossy) {
      this.addrMask = ((1L << 52) - 1) & ~((1L << pageShift) - 1);
      this.inv = inv;
      this.last = levels - 1;
      this.lossy = lossy ? 1L << (pageShift + 9) : 0;
    }

    @Override public long none() { return inv ? INV : 0; }

    private long base() { return inv ? 0 : 1; }

    @Override public long table(int level, long pa) { return base() | 2 | (pa & addrMask); }

    @Override public long leaf(int level, long pa, long prot) {
      return base() | (level == last ? 2 : 0) | (pa & addrMask) | (prot << 52);
    }

    @Override public boolean isValid(int level, long d) {
      return inv ? (d & INV) == 0 : (d & 1) != 0;
    }

    @Override public boolean isTable(int level, long d) {
      return isValid(level, d) && level != last && (d & 2) != 0;
    }

    @Override public boolean isLeaf(int level, long d) {
      return isValid(level, d) && (level == last ? (d & 2) != 0 : (d & 2) == 0);
    }

    @Override public long address(int level, long d) { return d & addrMask & ~lossy; }

    @Override public long protOf(int level, long d) { return (d >>> 52) & 0xf; }

    @Override public long prot(ProtKind k) { return k.ordinal() + 1; }

    @Override public String describe(int level, long d) {
      if (!isValid(level, d)) {
        return "INVALID";
      }
      if (isTable(level, d)) {
        return "TBL";
      }
      long p = protOf(level, d);
      String name = p >= 1 && p <= ProtKind.values().length ? ProtKind.values()[(int) p - 1].name()
          : "PROT" + p;
      return (level == last ? "PG " : "BLK ") + name;
    }
  }

  /** The fake's machine description. */
  static final class Model implements ArchModel {
    private final Geometry g;
    private final Format f;
    private final VaLayout layout;
    private final Region localArea;
    private final int cpus;
    private final boolean local;
    private final boolean active;
    private final Breakage breakage;
    private int linearMaxShift = 63;

    Model(Geometry g, Format f, int cpus, boolean local, boolean active, Breakage breakage) {
      this.g = g;
      this.f = f;
      this.cpus = cpus;
      this.local = local;
      this.active = active;
      this.breakage = breakage;
      long k = -(1L << g.vaBits());
      long s = g.entrySize(0);
      long half = k + s * Math.max(1, g.entries(0) / 4);
      localArea = new Region("percpu local", -2 * s, -s);
      boolean carve = active || breakage == Breakage.LAYOUT_IGNORES_GATE && local;
      long vmallocEnd = carve ? (breakage == Breakage.AREA_NOT_AT_VMALLOC_END ? -3 * s : -2 * s)
          : -s;
      List<Region> r = new ArrayList<>();
      r.add(new Region("linear", k, half));
      r.add(new Region("vmalloc", half, vmallocEnd));
      if (carve) {
        r.add(localArea);
      }
      r.add(new Region("fixmap", -s, 0));
      layout = new VaLayout(r, k, PHYS_OFFSET, half, vmallocEnd, half);
    }

    @Override public Geometry geometry() { return g; }

    @Override public VaLayout layout() { return layout; }

    @Override public DescriptorFormat descriptors() { return f; }

    @Override public String translationBaseRegister() { return "FAKE_BASE"; }

    @Override public int linearMapMaxShift() { return linearMaxShift; }

    @Override public TlbSpec tlb() { return new TlbSpec(64, false); }

    @Override public PerCpuAreaSpec perCpuAreas() {
      return new PerCpuAreaSpec(0x10000, 0x2000, 0x5000, g.pageSize(),
          active && breakage != Breakage.EMBED_WITH_LOCAL_MAP ? PerCpuAreaSpec.FirstChunk.PAGE
              : PerCpuAreaSpec.FirstChunk.EMBED, new int[cpus], new int[][] {{10}},
          layout.vmallocStart(), active);
    }

    @Override public OpSequences ops() { return FakeBackend::sequence; }

    @Override public CostTable costs() {
      CostTable.Builder b = CostTable.builder();
      for (CostClass c : CostClass.values()) {
        b.set(c, c == CostClass.WALK_LEVEL ? 10 : c == CostClass.ATOMIC_NEAR ? 5 : 1, "fake");
      }
      return b.build();
    }

    @Override public <T> Optional<T> capability(Class<T> type) {
      if (local && type == LocalPerCpuMap.class) {
        return Optional.of(type.cast(new LocalPerCpuMap() {
          @Override public Region localArea() { return localArea; }
        }));
      }
      return Optional.empty();
    }
  }

  /** Fake op sequences: LL/SC-free, one atomic, plain load/store for read/write. */
  static MicroOp[] sequence(ThisCpuOp op, int size, OpForm form, OpMode mode) {
    if (mode != OpMode.BASELINE && mode != OpMode.LOCAL_MAP) {
      throw new IllegalArgumentException("fake cannot express percpu.access="
          + mode.accessName());
    }
    if (size != 1 && size != 2 && size != 4 && size != 8) {
      throw new IllegalArgumentException("size " + size + " not 1, 2, 4 or 8");
    }
    List<MicroOp> s = new ArrayList<>();
    boolean protect = mode == OpMode.BASELINE && form == OpForm.THIS_CPU;
    if (protect) {
      s.add(new MicroOp("preempt_disable", CostClass.STORE, Effect.PREEMPT_INC));
    }
    if (mode == OpMode.BASELINE) {
      s.add(new MicroOp("mov off, tp", CostClass.SYSREG_READ, Effect.READ_OFFSET));
      s.add(new MicroOp("add a, p, off", CostClass.ALU, Effect.ADDR_GLOBAL));
    } else {
      s.add(new MicroOp("add a, p, local", CostClass.ALU, Effect.ADDR_LOCAL));
    }
    switch (op) {
      case READ:
        s.add(new MicroOp("ld", CostClass.LOAD, Effect.LOAD));
        break;
      case WRITE:
        s.add(new MicroOp("st", CostClass.STORE, Effect.STORE));
        break;
      default:
        s.add(new MicroOp("amo", CostClass.ATOMIC_NEAR, Effect.ATOMIC_RMW));
        break;
    }
    if (protect) {
      s.add(new MicroOp("preempt_enable", CostClass.STORE, Effect.PREEMPT_DEC_CHECK));
    }
    return s.toArray(new MicroOp[0]);
  }
}
