package org.percpulab.bench.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * {@code make -jN} of a default distro kernel config inside a memcg: many short processes (make,
 * sh, gcc driver, cc1, as, ld) that fork, exec, fault in their memory, mmap/munmap, and exit.
 *
 * <p>Parameters: {@code jobs} (concurrent processes; default one per CPU as in -j160),
 * {@code processes} (default 300 — a real build runs roughly 10^5 processes: scaled),
 * {@code faults} (anonymous faults per process; default 128 — assumption: a cc1 run faults in
 * tens of MB, i.e. 10^4 pages; scaled by about 80x), {@code mmaps} (mmap/munmap pairs per process,
 * assumption 8: malloc arenas, temporary buffers), {@code migrateOneIn} (one task event in this many
 * migrates the task; assumption 256, make -j keeps every CPU busy so the balancer moves tasks).
 */
final class KernelBuildWorkload extends AbstractWorkload {

  KernelBuildWorkload(int cpus, Map<String, Long> overrides) {
    super("kernel-build", cpus, defaults("jobs", cpus, "processes", 300, "faults", 128,
        "mmaps", 8, "migrateOneIn", 256), overrides);
  }

  @Override
  public String models() {
    return "make -j" + p("jobs") + " (default distro config) inside a memcg";
  }

  @Override
  public String scaling() {
    return p("processes") + " processes of ~10^5 in a real build, " + p("faults")
        + " faults each instead of ~10^4";
  }

  @Override
  public long expectedEvents() {
    return p("processes") * (p("faults") + 2 * p("mmaps") + 4) + 8;
  }

  @Override
  public Iterator<KernelEvent> events(long seed) {
    final int jobs = Math.max(1, pi("jobs"));
    final long processes = p("processes");
    final long faults = p("faults");
    final long mmaps = p("mmaps");
    return new ProcessGenerator(seed, cpus, pi("migrateOneIn"), 256) {
      int make;
      int[] slot;
      long[] progress;
      long started;
      long finished;
      boolean begun;
      boolean sampled;

      @Override
      protected boolean step() {
        if (!begun) {
          begun = true;
          make = prologue();
          slot = new int[jobs];
          progress = new long[jobs];
          java.util.Arrays.fill(slot, -1);
          return true;
        }
        if (finished == processes) {
          if (make >= 0) {
            epilogue();
            make = -1;
            return true;
          }
          return false;
        }
        int j = random.nextInt(jobs);
        if (slot[j] < 0) {
          if (started == processes) {
            return true;
          }
          started++;
          int t = fork(make);
          taskEvent(KernelEvent.Type.EXEC, t, 0);
          slot[j] = t;
          progress[j] = 0;
          return true;
        }
        int t = slot[j];
        long perMmap = Math.max(1, faults / Math.max(1, mmaps));
        long n = Math.min(16, faults - progress[j]);
        for (long i = 0; i < n; i++) {
          long k = progress[j] + i;
          if (mmaps > 0 && k % perMmap == 0 && k / perMmap < mmaps) {
            if (k > 0) {
              taskEvent(KernelEvent.Type.MUNMAP, t, 0);
            }
            taskEvent(KernelEvent.Type.MMAP, t, perMmap);
          }
          fault(t, 0);
        }
        progress[j] += n;
        if (progress[j] >= faults) {
          if (!sampled && started == processes) {
            sampled = true;
            emit(KernelEvent.Type.SAMPLE, -1, 0, 0);
          }
          exit(t);
          slot[j] = -1;
          finished++;
        }
        return true;
      }
    };
  }
}
