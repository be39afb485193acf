package org.percpulab.core.config;

import java.util.List;
import org.percpulab.core.spi.ConfigProblem;

/**
 * Bad input: a config value, file, key or option the user gave. Each entry of {@link #lines()} is one
 * self-contained line naming the key (or file/option), the value and what is allowed. The CLI prints
 * the lines and exits with code 2. Nothing is half-built when this is thrown.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> lines;

  public ConfigException(List<String> lines) {
    super(String.join("\n", lines));
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a ConfigException needs at least one line");
    }
    this.lines = List.copyOf(lines);
  }

  public ConfigException(String line) {
    this(List.of(line));
  }

  /** From validation problems, one line each, in the given order. */
  public static ConfigException of(List<ConfigProblem> problems) {
    return new ConfigException(problems.stream().map(ConfigProblem::message).toList());
  }

  public List<String> lines() {
    return lines;
  }
}
