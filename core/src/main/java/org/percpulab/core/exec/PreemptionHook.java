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
}
