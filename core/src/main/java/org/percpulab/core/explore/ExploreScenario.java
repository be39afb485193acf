package org.percpulab.core.explore;

import java.util.List;

/**
 * A litmus-style scenario on a booted machine: tasks, an optional interrupt handler, the condition
 * checked after every execution, and a reset that puts the machine back into the initial state
 * (executions are replayed from the start, so the reset must make them deterministic).
 */
public interface ExploreScenario {

  /** The tasks, in the order their columns are named. */
  List<ExploreTask> tasks();

  /** The handler an interrupt runs on the interrupted CPU, or null for no interrupts. */
  default ExploreTask.Body interruptHandler() {
    return null;
  }

  /** Restores the initial machine state (memory, TLBs, CPU state) and the scenario's records. */
  void reset();

  /** The final condition, checked after each execution: null when it holds. */
  Violation check();

  /** Figures the scenario gathered over all executions (e.g. the most retries a loop needed). */
  default java.util.Map<String, Long> figures() {
    return java.util.Map.of();
  }

  /**
   * A violated condition: what the execution ended with and what the condition expected.
   *
   * @param actual e.g. {@code "x@CPU0=1 x@CPU1=10"}
   * @param expected e.g. {@code "x@CPU0=0 x@CPU1=11"}
   */
  record Violation(String actual, String expected) {
  }
}
