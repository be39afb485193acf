package org.percpulab.core.profile;

import java.util.List;
import org.percpulab.core.config.Config;

/**
 * A named machine (a server or board class): the config values that describe it (CPUs, SMT and TLB
 * sharing, NUMA nodes, memory, atomics, cost table) each with where the number comes from. Applied
 * as the lowest user layer ({@code profile:NAME}); kconfig, the YAML file and {@code --set} win.
 *
 * @param name profile id ({@code --profile NAME})
 * @param arch the backend it is for
 * @param title one line
 * @param description longer text, may be empty
 * @param origin the resource and backend it came from
 * @param settings the values, in file order
 */
public record MachineProfile(String name, String arch, String title, String description,
    String origin, List<Setting> settings) {

  /** Source label of profile values. */
  public static final String SOURCE_PREFIX = "profile:";

  /**
   * @param key config key
   * @param value its value
   * @param source public measurement, manual, or {@code "assumption: <reason>"}
   */
  public record Setting(String key, String value, String source) {
    /** Whether the source says it is an assumption. */
    public boolean assumption() {
      return source.startsWith("assumption");
    }
  }

  public MachineProfile {
    settings = List.copyOf(settings);
  }

  /** {@code base} with {@code arch} and every setting, source {@code profile:NAME}. */
  public Config applyTo(Config base) {
    String src = SOURCE_PREFIX + name;
    Config c = base.with("arch", arch, src, "profile " + name);
    for (Setting s : settings) {
      c = c.with(s.key(), s.value(), src, s.source());
    }
    return c;
  }
}
