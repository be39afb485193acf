package org.percpulab.core.config;

import java.util.Objects;

/**
 * One effective config value and where it came from (the kernel analogue is a Kconfig symbol's
 * value plus the defconfig/fragment/command line that set it).
 *
 * @param key dotted key, e.g. {@code mm.pageSize}
 * @param value raw text as written (YAML scalar or {@code --set} value)
 * @param source {@link #DEFAULT}, the YAML file path as given, {@link #SET}, {@code kconfig:FILE}
 *     or {@code profile:NAME}
 * @param note why the layer chose this value (a profile's citation or assumption, the kconfig
 *     symbol that set it), or empty
 */
public record ConfigValue(String key, String value, String source, String note) {

  /** Source label of built-in defaults. */
  public static final String DEFAULT = "default";

  /** Source label of {@code --set key=value} and its shorthands. */
  public static final String SET = "--set";

  public ConfigValue {
    Objects.requireNonNull(key);
    Objects.requireNonNull(value);
    Objects.requireNonNull(source);
    Objects.requireNonNull(note);
  }

  /** A value without a note. */
  public ConfigValue(String key, String value, String source) {
    this(key, value, source, "");
  }

  public boolean isDefault() {
    return DEFAULT.equals(source);
  }
}
