package org.percpulab.bench.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs independent cells (each boots its own machines; nothing simulated is shared) on a fixed
 * thread pool and returns their results in task order, so the output is the same for any thread
 * count. The first failing cell's exception is rethrown after the others were cancelled.
 */
public final class ParallelCells {
  private ParallelCells() { }

  /** Default thread count: the host's available processors. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs {@code tasks} on {@code threads} threads (1 = in the calling thread, in order);
   * {@code progress} counts finished cells.
   */
  public static <T> List<T> run(List<? extends Callable<T>> tasks, int threads, Progress progress)
      throws Exception {
    if (threads < 1) {
      throw new IllegalArgumentException("threads " + threads + " must be >= 1");
    }
    progress.start("cells (" + tasks.size() + ")", tasks.size());
    List<T> out = new ArrayList<>(tasks.size());
    if (threads == 1 || tasks.size() <= 1) {
      for (Callable<T> t : tasks) {
        out.add(t.call());
        progress.update(out.size());
      }
      progress.finish();
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
      Thread th = new Thread(r, "percpu-lab-cell");
      th.setDaemon(true);
      return th;
    });
    try {
      AtomicLong done = new AtomicLong();
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(pool.submit(() -> {
          T r = t.call();
          long d = done.incrementAndGet();
          synchronized (progress) {
            progress.update(d);
          }
          return r;
        }));
      }
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Exception ex) {
            throw ex;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw e;
        }
      }
      progress.finish();
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
