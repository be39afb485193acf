package org.percpulab.bench.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * {@code stress-ng --vm N --vm-bytes 128M --vm-ops 100000000}: each of N workers mmaps an
 * anonymous private buffer, writes every page (one anonymous fault per page), and munmaps it,
 * again and again.
 *
 * <p>Parameters: {@code workers} (default one per CPU, the seed's N = CPU count), {@code vmPages}
 * (pages per buffer; the real 128M is 32,768 pages of 4K — default 256: scaled), {@code cycles}
 * (mmap/touch/munmap rounds per worker, default 2), {@code burst} (faults a worker makes before
 * the generator switches to another worker; interleaving only). Migrations: one task event in 4096
 * (assumption: stress-ng workers are unpinned and rarely moved once the machine is busy).
 */
final class StressVmWorkload extends AbstractWorkload {

  StressVmWorkload(int cpus, Map<String, Long> overrides) {
    super("stress-vm", cpus, defaults("workers", cpus, "vmPages", 256, "cycles", 2, "burst", 64),
        overrides);
  }

  @Override
  public String models() {
    return "stress-ng --vm " + p("workers") + " --vm-bytes 128M --vm-ops 100000000";
  }

  @Override
  public String scaling() {
    return p("vmPages") + " pages per mmap instead of 32768 (128M/4K), " + p("cycles")
        + " mmap cycles per worker instead of running to 100,000,000 vm ops";
  }

  @Override
  public long expectedEvents() {
    return p("workers") * (p("cycles") * (p("vmPages") + 2) + 2) + 8;
  }

  @Override
  public Iterator<KernelEvent> events(long seed) {
    final int workers = Math.max(1, pi("workers"));
    final long pages = Math.max(1, p("vmPages"));
    final long cycles = p("cycles");
    final long burst = Math.max(1, p("burst"));
    return new ProcessGenerator(seed, cpus, 4096, 1024) {
      int[] worker;
      long[] touched;
      long[] cycle;
      int phase;
      int next;
      int finished;

      @Override
      protected boolean step() {
        if (phase == 0) {
          worker = spawnWorkers(prologue(), workers, 0);
          touched = new long[workers];
          cycle = new long[workers];
          phase = 1;
          return true;
        }
        if (phase == 1) {
          if (finished == workers) {
            for (int w : worker) {
              exit(w);
            }
            epilogue();
            phase = 2;
            return true;
          }
          int w = next;
          next = (next + 1) % workers;
          if (cycle[w] >= cycles) {
            return true;
          }
          int t = worker[w];
          if (touched[w] == 0) {
            taskEvent(KernelEvent.Type.MMAP, t, pages);
          }
          long n = Math.min(burst, pages - touched[w]);
          for (long i = 0; i < n; i++) {
            fault(t, 0);
          }
          touched[w] += n;
          if (touched[w] == pages) {
            if (cycle[w] == cycles - 1 && w == workers - 1) {
              emit(KernelEvent.Type.SAMPLE, -1, 0, 0);
            }
            taskEvent(KernelEvent.Type.MUNMAP, t, 0);
            touched[w] = 0;
            if (++cycle[w] == cycles) {
              finished++;
            }
          }
          return true;
        }
        return false;
      }
    };
  }
}
