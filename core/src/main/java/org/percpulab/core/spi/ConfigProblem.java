package org.percpulab.core.spi;

/**
 * One bad config value. {@link #message()} is the one line the CLI prints (exit code 2).
 *
 * @param key the offending key
 * @param value the offending raw value (may be empty)
 * @param allowed what would have been accepted, in words
 */
public record ConfigProblem(String key, String value, String allowed) {
  public String message() {
    return "config key '" + key + "': value '" + value + "' is not allowed; allowed: " + allowed;
  }
}
