package org.percpulab.core.config;

import java.util.Optional;

/**
 * Read-only view of the effective config (defaults, then YAML, then {@code --set}). Keys are dotted
 * strings; values are kept as text and parsed on read.
 */
public interface ConfigView {

  /** Raw text of {@code key}, or empty if the key has no value (neither default nor given). */
  Optional<String> raw(String key);

  /** Text value; throws {@link IllegalArgumentException} naming the key if it has no value. */
  default String get(String key) {
    return raw(key).orElseThrow(() -> new IllegalArgumentException("config key '" + key
        + "' has no value"));
  }

  default int getInt(String key) {
    return Integer.parseInt(get(key).trim());
  }

  default long getLong(String key) {
    return Long.parseLong(get(key).trim());
  }

  default boolean getBool(String key) {
    return Boolean.parseBoolean(get(key).trim());
  }

  /**
   * An integer key that core has validated already (this only guards a caller that skipped core's
   * check): its value, {@code def} when absent or blank.
   *
   * @throws IllegalArgumentException with the one-line config message when not in [min, max]
   */
  default int intOr(String key, int def, int min, int max) {
    String text = raw(key).orElse("").trim();
    if (text.isEmpty()) {
      return def;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the message
    }
    throw new IllegalArgumentException(new org.percpulab.core.spi.ConfigProblem(key, text,
        "integer " + min + ".." + max).message());
  }

  /**
   * Why the layer that set {@code key} chose its value (a machine profile's citation or
   * "assumption: ...", the kconfig symbol), or empty. Cost tables use it as the number's source.
   */
  default Optional<String> note(String key) {
    return Optional.empty();
  }

  /** True when the user gave the key (YAML or --set), false when it is a default or absent. */
  boolean isExplicit(String key);
}
