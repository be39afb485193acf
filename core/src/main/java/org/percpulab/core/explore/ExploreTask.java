package org.percpulab.core.explore;

/**
 * A task of a scenario: a name, the CPU it starts on (a second task with the same CPU starts once
 * that CPU is free: after the first was preempted or finished) and its body.
 */
public record ExploreTask(String name, int homeCpu, Body body) {

  /** What the task does; it runs in its own thread, one task at a time (the explorer decides). */
  @FunctionalInterface
  public interface Body {
    void run(TaskContext ctx) throws Exception;
  }
}
