package org.percpulab.core.spi;

/**
 * One bad config value. {@link #message()} is the one line the CLI prints (exit code 2).
 *
 * @param key the offending key
 * @param value the offending raw value (may be empty)
 * @param allowed what would have been accepted, in words (for an unknown key: the hint)
 * @param unknownKey true when the key itself is not known (then {@code allowed} is the hint)
 */
public record ConfigProblem(String key, String value, String allowed, boolean unknownKey) {

  /** A bad value of a known key. */
  public ConfigProblem(String key, String value, String allowed) {
    this(key, value, allowed, false);
  }

  /**
   * A key nobody knows.
   *
   * @param suggestion the closest known key, or null when none is close
   */
  public static ConfigProblem unknown(String key, String value, String suggestion) {
    return new ConfigProblem(key, value, suggestion == null
        ? "see 'percpu-lab config' for the known keys"
        : "did you mean '" + suggestion + "'?", true);
  }

  public String message() {
    if (unknownKey) {
      return "config key '" + key + "' is unknown; " + allowed;
    }
    return "config key '" + key + "': value '" + value + "' is not allowed; allowed: " + allowed;
  }
}
