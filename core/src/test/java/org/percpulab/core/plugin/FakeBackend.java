package org.percpulab.core.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.config.PageSizes;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.TlbSpec;
import org.percpulab.core.spi.VaLayout;

/**
 * A test-only backend shipped in temporary plugin jars (deliberately not {@code @Extension}: it must
 * not appear on the classpath). It allows 4K with VA 39 or 48 bits, like a small arm64, so config
 * validation can be tested without the real backends.
 */
public class FakeBackend implements ArchBackend {

  public static final String ID = "fake";

  @Override public String id() { return ID; }

  @Override public String version() { return "9.9.9"; }

  @Override public Set<String> features() { return Set.of("FAKE_FEATURE"); }

  @Override public List<ConfigKey> configKeys() {
    return List.of(ConfigKey.choice("fake.mode", "fast", "test mode", "fast", "slow"));
  }

  @Override public List<Geometry> supportedGeometries() {
    return List.of(geometry(39), geometry(48));
  }

  static Geometry geometry(int vaBits) {
    int levels = vaBits == 39 ? 3 : 4;
    int[] shifts = new int[levels];
    int[] entries = new int[levels];
    boolean[] block = new boolean[levels];
    String[] names = new String[levels];
    int[] cont = new int[levels];
    for (int i = 0; i < levels; i++) {
      shifts[i] = 12 + 9 * (levels - 1 - i);
      entries[i] = 512;
      block[i] = i == levels - 1;
      names[i] = "L" + i;
    }
    return new Geometry(12, vaBits, shifts, entries, block, names, cont);
  }

  @Override public List<ConfigProblem> validate(ConfigView config) {
    List<ConfigProblem> out = new ArrayList<>();
    String ps = config.raw("mm.pageSize").orElse("4K");
    if (PageSizes.parse(ps) != 4096) {
      out.add(new ConfigProblem("mm.pageSize", ps, "4K (the fake backend has one granule)"));
      return out;
    }
    String va = config.raw("mm.vaBits").orElse("48");
    if (!va.equals("39") && !va.equals("48")) {
      out.add(new ConfigProblem("mm.vaBits", va, "39|48 with the 4K granule"));
    }
    return out;
  }

  @Override public ArchModel configure(ConfigView config) {
    if (!validate(config).isEmpty()) {
      throw new IllegalArgumentException("config rejected: " + validate(config));
    }
    Geometry g = geometry(Integer.parseInt(config.raw("mm.vaBits").orElse("48")));
    return new FakeModel(g);
  }

  /** The fake machine description: geometry and TLB only. */
  public static final class FakeModel implements ArchModel {
    private final Geometry g;

    FakeModel(Geometry g) {
      this.g = g;
    }

    @Override public Geometry geometry() { return g; }
    @Override public VaLayout layout() { return null; }
    @Override public DescriptorFormat descriptors() { return null; }
    @Override public String translationBaseRegister() { return "FAKE_TTBR"; }
    @Override public TlbSpec tlb() { return new TlbSpec(64, false); }
    @Override public PerCpuAreaSpec perCpuAreas() { return null; }
    @Override public OpSequences ops() { return null; }
    @Override public CostTable costs() { return null; }
  }
}
