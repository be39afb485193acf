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

  /** The most threads {@code --threads} allows. */
  public static final int MAX_THREADS = 64;

  /**
   * Default thread count: the host's available processors, at most {@value #MAX_THREADS} (a
   * default above the option's bound would make every command that takes it refuse to start).
   */
  public static int defaultThreads() {
    return defaultThreads(Runtime.getRuntime().availableProcessors());
  }

  /** {@link #defaultThreads()} on a host with {@code processors} available processors. */
  static int defaultThreads(int processors) {
    return Math.max(1, Math.min(MAX_THREADS, processors));
  }

  /**
   * Runs {@code tasks} on {@code threads} threads (1 = in the calling thread, in order);
   * {@code progress} counts finished cells.
   */
  public static <T> List<T> run(List<? extends Callable<T>> tasks, int threads, Progress progress)
      throws Exception {
    return run(tasks, threads, progress, "cells (" + tasks.size() + ")", null);
  }

  /**
   * {@link #run(List, int, Progress)} under the progress title {@code title}; with {@code labels}
   * (one per task) a progress that prints lines (not a terminal) gets one line per finished task,
   * {@code "<title>: d/n done (<label>)"}, a terminal still gets its bar.
   */
  public static <T> List<T> run(List<? extends Callable<T>> tasks, int threads, Progress progress,
      String title, List<String> labels) throws Exception {
    if (threads < 1) {
      throw new IllegalArgumentException("threads " + threads + " must be >= 1");
    }
    boolean lines = labels != null && progress.mode() == Progress.Mode.LINES;
    int n = tasks.size();
    progress.start(title, n);
    List<T> out = new ArrayList<>(n);
    if (threads == 1 || n <= 1) {
      for (int i = 0; i < n; i++) {
        out.add(tasks.get(i).call());
        finished(progress, lines, title, i + 1, n, lines ? labels.get(i) : null);
      }
      progress.finish();
      return out;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, n), r -> {
      Thread th = new Thread(r, "percpu-lab-cell");
      th.setDaemon(true);
      return th;
    });
    try {
      AtomicLong done = new AtomicLong();
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<T> t = tasks.get(i);
        String label = lines ? labels.get(i) : null;
        futures.add(pool.submit(() -> {
          T r = t.call();
          finished(progress, lines, title, done.incrementAndGet(), n, label);
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

  private static void finished(Progress progress, boolean lines, String title, long d, int n,
      String label) {
    synchronized (progress) {
      if (lines) {
        progress.phase(title + ": " + d + "/" + n + " done (" + label + ")");
      } else {
        progress.update(d);
      }
    }
  }
}
