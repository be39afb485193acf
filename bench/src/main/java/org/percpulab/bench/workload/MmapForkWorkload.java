package org.percpulab.bench.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * {@code stress-ng --mmapfork N --mmapfork-bytes 128M --mmapfork-ops 500} (stress-mmapfork.c):
 * per bogo op a worker forks MAX_PIDS = 32 children; each child maps
 * {@code len = (mmapfork-bytes / (N * 32)) / 2} bytes MAP_SHARED|MAP_ANONYMOUS (shmem) with
 * populate, touches it, madvises, munmaps and {@code _exit}s; the worker waits for all 32.
 *
 * <p>Parameters: {@code workers} (default one per CPU), {@code ops} (total bogo ops, default 24 —
 * the seed runs 500: scaled), {@code bytes} (mmapfork-bytes, default 128M, not scaled; the pages
 * per child follow from stress-ng's formula above). Children's pages are shmem (PAGE_FAULT with
 * arg 1).
 */
final class MmapForkWorkload extends AbstractWorkload {
  static final int MAX_PIDS = 32;

  MmapForkWorkload(int cpus, Map<String, Long> overrides) {
    super("mmapfork", cpus, defaults("workers", cpus, "ops", 24, "bytes", 128L << 20), overrides);
  }

  long childPages() {
    long len = (p("bytes") / (Math.max(1, p("workers")) * MAX_PIDS)) / 2;
    return Math.max(1, (len + 4095) / 4096);
  }

  @Override
  public String models() {
    return "stress-ng --mmapfork " + p("workers") + " --mmapfork-bytes " + (p("bytes") >> 20)
        + "M --mmapfork-ops 500";
  }

  @Override
  public String scaling() {
    return p("ops") + " bogo ops (" + p("ops") * MAX_PIDS + " forks) of the seed's 500; "
        + childPages() + " shmem pages per child as stress-ng computes them";
  }

  @Override
  public long expectedEvents() {
    return p("ops") * MAX_PIDS * (childPages() + 4) + p("workers") * 2 + 8;
  }

  @Override
  public Iterator<KernelEvent> events(long seed) {
    final int workers = Math.max(1, pi("workers"));
    final long ops = p("ops");
    final long pages = childPages();
    return new StressWorkers(seed, cpus, workers, ops, 0) {
      @Override
      protected void round(int w, long n) {
        int[] kids = new int[MAX_PIDS];
        for (int i = 0; i < MAX_PIDS; i++) {
          kids[i] = fork(w);
          taskEvent(KernelEvent.Type.MMAP, kids[i], pages);
          for (long p = 0; p < pages; p++) {
            fault(kids[i], 1);
          }
          taskEvent(KernelEvent.Type.MUNMAP, kids[i], 0);
        }
        if (n == ops / 2) {
          emit(KernelEvent.Type.SAMPLE, -1, 0, 0);
        }
        for (int k : kids) {
          exit(k);
        }
      }
    };
  }
}
