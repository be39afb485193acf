package org.percpulab.bench.workload;

/**
 * The shape stress-ng's fork-style stressors share (stress-fork.c, stress-mmapfork.c): the session
 * prologue, {@code workers} workers forked and pinned one per CPU in turn, then {@code rounds} bogo
 * ops handed to the workers round-robin, then every worker exits and the epilogue runs. A subclass
 * says what one round does.
 */
abstract class StressWorkers extends ProcessGenerator {
  private final int workers;
  private final long rounds;
  private final long workerPages;
  private int[] worker;
  private long done;
  private int phase;

  /** @param workerPages private pages each worker faults in when it starts */
  StressWorkers(long seed, int cpus, int workers, long rounds, long workerPages) {
    super(seed, cpus, 64, 256);
    this.workers = workers;
    this.rounds = rounds;
    this.workerPages = workerPages;
  }

  /** Bogo op {@code n} (0-based) run by worker task {@code w}. */
  protected abstract void round(int w, long n);

  @Override
  protected final boolean step() {
    if (phase == 0) {
      worker = spawnWorkers(prologue(), workers, workerPages);
      phase = 1;
      return true;
    }
    if (phase == 1 && done < rounds) {
      round(worker[(int) (done % workers)], done);
      done++;
      return true;
    }
    if (phase == 1) {
      for (int w : worker) {
        exit(w);
      }
      epilogue();
      phase = 2;
      return true;
    }
    return false;
  }
}
