package org.percpulab.core.explore;

/**
 * Bounds of one exploration: at most {@code preemptions} preemptions (each may migrate the task)
 * and {@code interrupts} interrupts per execution (bounded context switching, as in CHESS), and a
 * cap on the number of executions; below the cap the enumeration within the bounds is exhaustive.
 */
public record ExploreBounds(int preemptions, int interrupts, long maxExecutions) {

  /** Two preemptions, one interrupt, one million executions. */
  public static final ExploreBounds DEFAULT = new ExploreBounds(2, 1, 1_000_000);

  public ExploreBounds {
    if (preemptions < 0 || interrupts < 0 || maxExecutions <= 0) {
      throw new IllegalArgumentException("explore bounds must be >= 0 (executions > 0)");
    }
  }
}
