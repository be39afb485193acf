package org.percpulab.core.spi;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.percpulab.core.config.ConfigView;

/**
 * Modelled cycles per {@link CostClass}, with the source of each number (a citation or the word
 * "assumption" and why). Immutable; built with {@link #builder()}. {@link #cycles} is on hot paths:
 * an array read.
 */
public final class CostTable {
  private final long[] cycles;
  private final String[] sources;

  private CostTable(long[] cycles, String[] sources) {
    this.cycles = cycles;
    this.sources = sources;
  }

  public long cycles(CostClass c) {
    return cycles[c.ordinal()];
  }

  /** Where the number for {@code c} comes from. */
  public String source(CostClass c) {
    return sources[c.ordinal()];
  }

  /** All entries, in enum order. */
  public Map<CostClass, Long> asMap() {
    Map<CostClass, Long> m = new EnumMap<>(CostClass.class);
    for (CostClass c : CostClass.values()) {
      m.put(c, cycles[c.ordinal()]);
    }
    return m;
  }

  /** A copy with one class overridden (config {@code <arch>.cost.<class>}). */
  public CostTable with(CostClass c, long value, String source) {
    long[] cy = cycles.clone();
    String[] so = sources.clone();
    cy[c.ordinal()] = value;
    so[c.ordinal()] = source;
    return new CostTable(cy, so);
  }

  /** Config key overriding {@code c} for a backend, e.g. {@code arm64.cost.atomic_far}. */
  public static String overrideKey(String backendId, CostClass c) {
    return backendId + ".cost." + c.name().toLowerCase(Locale.ROOT);
  }

  /** One {@code <backendId>.cost.<class>} key per class, defaulting to this table's values. */
  public List<ConfigKey> overrideKeys(String backendId) {
    List<ConfigKey> keys = new ArrayList<>();
    for (CostClass c : CostClass.values()) {
      keys.add(ConfigKey.intRange(overrideKey(backendId, c), cycles(c),
          "modelled cycles of one " + c + " micro-op (" + source(c) + ")", 0, 1_000_000));
    }
    return List.copyOf(keys);
  }

  /**
   * This table with every {@code <backendId>.cost.<class>} the user gave explicitly (YAML or
   * {@code --set}, a machine profile); the source of an overridden class is the value's note (a
   * profile's citation) when it has one, else {@code "config <key>"}.
   */
  public CostTable withOverrides(String backendId, ConfigView config) {
    CostTable t = this;
    for (CostClass c : CostClass.values()) {
      String key = overrideKey(backendId, c);
      if (config.isExplicit(key) && config.raw(key).isPresent()) {
        t = t.with(c, config.getLong(key), config.note(key).orElse("config " + key));
      }
    }
    return t;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every class must be set before {@link #build()}. */
  public static final class Builder {
    private final long[] cycles = new long[CostClass.values().length];
    private final String[] sources = new String[CostClass.values().length];

    public Builder set(CostClass c, long value, String source) {
      if (value < 0) {
        throw new IllegalArgumentException("negative cost for " + c);
      }
      cycles[c.ordinal()] = value;
      sources[c.ordinal()] = source;
      return this;
    }

    public CostTable build() {
      int seg = CostClass.SEGMENT_RMW.ordinal();
      if (sources[seg] == null && sources[CostClass.LOAD.ordinal()] != null
          && sources[CostClass.ALU.ordinal()] != null
          && sources[CostClass.STORE.ordinal()] != null) {
        cycles[seg] = cycles[CostClass.LOAD.ordinal()] + cycles[CostClass.ALU.ordinal()]
            + cycles[CostClass.STORE.ordinal()];
        sources[seg] = "assumption: load + alu + store of this table (a non-locked memory RMW)";
      }
      for (CostClass c : CostClass.values()) {
        if (sources[c.ordinal()] == null) {
          throw new IllegalStateException("cost table misses " + c);
        }
      }
      return new CostTable(cycles.clone(), sources.clone());
    }
  }
}
