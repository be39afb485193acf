package org.percpulab.core.exec;

import org.percpulab.core.cpu.Cpu;

/**
 * The scheduler seen by the micro-op executor: called at every preemption point (between micro-ops
 * while the CPU is preemptible, and from preempt_enable's dec-and-test when need_resched is set).
 * An explorer implements it to preempt and migrate the running task.
 */
@FunctionalInterface
public interface PreemptionHook {

  /** No scheduling: the task keeps running where it is. */
  PreemptionHook NONE = (cpu, index) -> cpu;

  /**
   * @param cpu the CPU the task runs on
   * @param nextMicroOp index of the micro-op about to run (or the sequence length at the end)
   * @return the CPU the task continues on (the same one unless it was migrated)
   */
  Cpu preemptionPoint(Cpu cpu, int nextMicroOp);

  /**
   * Called instead of {@link #preemptionPoint} between micro-ops where the task cannot be preempted
   * (preempt_count raised or IRQs off). The task stays on {@code cpu}; an explorer may let tasks on
   * other CPUs run here, or deliver an interrupt on {@code cpu} when its IRQs are on (a handler run
   * from here executes on {@code cpu} before the next micro-op). Default: nothing.
   *
   * @param cpu the CPU the task runs on
   * @param nextMicroOp index of the micro-op about to run (or the sequence length at the end)
   */
  default void pinnedPoint(Cpu cpu, int nextMicroOp) {
  }
}
