package org.percpulab.bench.workload;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Lazily produced event stream: {@link #step} emits the next batch of events (one process's life,
 * one mmap cycle...) until it returns false. Keeps memory flat for million-event runs.
 */
abstract class EventGenerator implements Iterator<KernelEvent> {
  private final ArrayDeque<KernelEvent> pending = new ArrayDeque<>();
  protected final SplittableRandom random;
  private boolean done;

  EventGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Emits zero or more events through {@link #emit}; false when the stream has ended. */
  protected abstract boolean step();

  protected final void emit(KernelEvent.Type type, int task, int cpu, long arg) {
    pending.add(KernelEvent.of(type, task, cpu, arg));
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty() && !done) {
      if (!step()) {
        done = true;
      }
    }
    return !pending.isEmpty();
  }

  @Override
  public KernelEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll();
  }
}
