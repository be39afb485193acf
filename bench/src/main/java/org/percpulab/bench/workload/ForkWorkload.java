package org.percpulab.bench.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * {@code stress-ng --fork N --fork-ops 10000000}: each of N workers loops fork(); the child
 * {@code _exit}s at once; the parent waits. Per fork the kernel allocates the new mm's percpu rss
 * counters and mm_cid (kernel/fork.c mm_init) and frees them at exit.
 *
 * <p>Parameters: {@code workers} (default: one per CPU, as stress-ng's N = CPU count in the seed),
 * {@code forks} (total forks; default 3,000 — the seed runs 10,000,000 fork ops: scaled),
 * {@code childFaults} (assumption: 4 — the child writes a stack page, a data page and the libc
 * exit path pages before _exit, each a COW fault), {@code workerPages} (assumption: 64 resident
 * anonymous pages per worker, copied as rss into each child).
 */
final class ForkWorkload extends AbstractWorkload {

  ForkWorkload(int cpus, Map<String, Long> overrides) {
    super("fork", cpus, defaults("workers", cpus, "forks", 3_000, "childFaults", 4,
        "workerPages", 64), overrides);
  }

  @Override
  public String models() {
    return "stress-ng --fork " + p("workers") + " --fork-ops 10000000";
  }

  @Override
  public String scaling() {
    if (p("forks") == 0) {
      return "0 forks: nothing forked (the seed runs 10,000,000 fork ops)";
    }
    return p("forks") + " forks simulated of the seed's 10,000,000 fork ops (x"
        + String.format(java.util.Locale.ROOT, "%.0f", 10_000_000.0 / Math.max(1, p("forks")))
        + " fewer); per-fork work is not scaled";
  }

  @Override
  public long expectedEvents() {
    return p("forks") * (2 + p("childFaults")) + p("workers") * (2 + p("workerPages")) + 8;
  }

  @Override
  public Iterator<KernelEvent> events(long seed) {
    final int workers = Math.max(1, pi("workers"));
    final long forks = p("forks");
    final long childFaults = p("childFaults");
    final long workerPages = p("workerPages");
    return new StressWorkers(seed, cpus, workers, forks, workerPages) {
      @Override
      protected void round(int w, long n) {
        int child = fork(w);
        for (long i = 0; i < childFaults; i++) {
          fault(child, 0);
        }
        exit(child);
      }
    };
  }
}
