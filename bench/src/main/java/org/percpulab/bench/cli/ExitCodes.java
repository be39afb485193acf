package org.percpulab.bench.cli;

/** Process exit codes of {@code percpu-lab}, documented in the README and in every {@code --help}. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** Runtime error: the simulation or a plugin failed. */
  public static final int RUNTIME = 1;
  /** Bad input: a config key/value/file or a command-line usage error. */
  public static final int BAD_INPUT = 2;

  private ExitCodes() { }
}
