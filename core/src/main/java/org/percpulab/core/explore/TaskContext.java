package org.percpulab.core.explore;

import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.spi.MicroOp;

/**
 * What a task body sees of the explorer. A body brackets every run of a micro-op sequence on the
 * executor with {@link #beginOp}/{@link #endOp} (the trace names each micro-op and the explorer
 * knows which ones touch memory), and announces every plain step of its own (a C load or store
 * through a pointer) with {@link #step} so that other CPUs, preemption and interrupts can come
 * before it.
 */
public interface TaskContext {

  /** The CPU the task runs on now (changes after a migration). */
  Cpu cpu();

  /** The task's name. */
  String name();

  /** {@code seq} is about to run on the executor; {@code label} names it in the trace. */
  void beginOp(MicroOp[] seq, String label);

  /**
   * The sequence begun last has returned.
   *
   * @return where its last memory micro-op ran: the access that decides which copy it reached
   */
  Access endOp();

  /**
   * A scheduling point before a plain step of the body, then the step's trace line.
   *
   * @param text what the step does (shown in the trace)
   * @param shared whether it reads or writes memory another CPU can see (other CPUs may run
   *     first only before such steps)
   * @return the CPU the step runs on
   */
  Cpu step(String text, boolean shared);

  /** The number of trace lines so far: the position of the step or micro-op that ran last. */
  int position();

  /** Adds a note line to the trace in the task's column (no scheduling point). */
  void note(String text);

  /**
   * The last memory access of a sequence: the CPU that executed it and its position in the
   * execution (steps order accesses across CPUs); {@code cpu} is -1 for a sequence without one.
   */
  record Access(int cpu, int step) {
  }
}
