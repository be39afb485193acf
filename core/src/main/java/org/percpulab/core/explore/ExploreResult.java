package org.percpulab.core.explore;

import java.util.List;

/**
 * The outcome of exploring one scenario: whether the condition held in every execution within the
 * bounds, how many executions (interleavings) were run, whether that was all of them, and the
 * shortest violating execution (fewest trace lines) with its final state.
 */
public record ExploreResult(boolean holds, long interleavings, boolean exhaustive,
    long violations, ExploreBounds bounds, long millis, List<TraceLine> trace,
    ExploreScenario.Violation violation) {
}
