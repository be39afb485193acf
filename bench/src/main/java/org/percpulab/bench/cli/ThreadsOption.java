package org.percpulab.bench.cli;

import org.percpulab.bench.run.ParallelCells;
import org.percpulab.core.config.ConfigException;
import picocli.CommandLine.Option;

/** {@code --threads N} of the commands that run independent cells ({@code suite}, {@code sweep}). */
public final class ThreadsOption {

  @Option(names = "--threads", paramLabel = "N",
      description = "Cells (backend x workload x mode x config) run in parallel (default:"
          + " available processors), 1..64; results are the same for every N.")
  @Bounds(min = 1, max = ParallelCells.MAX_THREADS)
  int threads = ParallelCells.defaultThreads();

  /** The thread count; bad input (not a positive integer) is a {@link ConfigException}. */
  int threads() {
    if (threads < 1) {
      throw new ConfigException("option '--threads': value '" + threads
          + "' is not allowed; allowed: a positive integer");
    }
    return threads;
  }
}
