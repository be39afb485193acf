package org.percpulab.core.spi;

import java.util.Objects;

/**
 * One config key: name, default value (as text), a short description and the human text of what is
 * allowed, used in the one-line error {@code key 'k': value 'v' is not allowed; allowed: <allowed>}.
 *
 * @param name dotted key, e.g. {@code arm64.atomics}
 * @param defaultValue the built-in default as it would be written in YAML
 * @param description one line for {@code percpu-lab config} and the README table
 * @param allowed what is allowed, e.g. {@code "lse|llsc"} or {@code "integer 1..4096"}
 * @param validator checks a single raw value; cross-key checks belong in {@link ArchBackend#validate}
 */
public record ConfigKey(
    String name, String defaultValue, String description, String allowed, ValueCheck validator) {

  public ConfigKey {
    Objects.requireNonNull(name);
    Objects.requireNonNull(defaultValue);
    Objects.requireNonNull(description);
    Objects.requireNonNull(allowed);
    Objects.requireNonNull(validator);
  }

  /** A check of one raw (text) value. */
  @FunctionalInterface
  public interface ValueCheck {
    /** @return true when {@code raw} is acceptable. Must not throw. */
    boolean accepts(String raw);
  }

  /**
   * One {@link ConfigProblem} per key of {@code keys} whose value in {@code config} fails its own
   * check; the per-key half of {@link ArchBackend#validate}. Never throws.
   */
  public static java.util.List<ConfigProblem> check(
      java.util.List<ConfigKey> keys, org.percpulab.core.config.ConfigView config) {
    java.util.List<ConfigProblem> problems = new java.util.ArrayList<>();
    for (ConfigKey key : keys) {
      java.util.Optional<String> raw = config.raw(key.name());
      if (raw.isPresent() && !key.validator().accepts(raw.get())) {
        problems.add(new ConfigProblem(key.name(), raw.get(), key.allowed()));
      }
    }
    return problems;
  }

  /** Key whose value must be one of {@code choices} (case-sensitive). */
  public static ConfigKey choice(String name, String def, String description, String... choices) {
    java.util.List<String> list = java.util.List.of(choices);
    return new ConfigKey(name, def, description, String.join("|", choices), list::contains);
  }

  /** Key whose value must be a decimal integer in {@code [min, max]}. */
  public static ConfigKey intRange(String name, long def, String description, long min, long max) {
    return new ConfigKey(name, Long.toString(def), description,
        "integer " + min + ".." + max, raw -> {
          try {
            long v = Long.parseLong(raw.trim());
            return v >= min && v <= max;
          } catch (NumberFormatException e) {
            return false;
          }
        });
  }

  /** Key whose value must be {@code true} or {@code false}. */
  public static ConfigKey bool(String name, boolean def, String description) {
    return choice(name, Boolean.toString(def), description, "true", "false");
  }
}
