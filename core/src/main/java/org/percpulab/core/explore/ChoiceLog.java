package org.percpulab.core.explore;

import java.util.Arrays;

/**
 * The scheduling choices of one execution, replayed from a prefix: stateless depth-first search
 * over the choice tree (each point with k enabled moves is a node with k children). A point with
 * one move is not a node. {@link #next()} gives the prefix of the next unexplored execution.
 */
final class ChoiceLog {
  private int[] prefix = new int[0];
  private int[] taken = new int[64];
  private int[] widths = new int[64];
  private int depth;

  /** Starts an execution that follows the current prefix, then takes first choices. */
  void begin() {
    depth = 0;
  }

  /** Index of the move to take among {@code width} enabled ones. */
  int choose(int width) {
    if (width <= 1) {
      return 0;
    }
    int c = depth < prefix.length ? prefix[depth] : 0;
    if (c >= width) {
      throw new IllegalStateException("explore: replay diverged at choice " + depth + " (" + c
          + " of " + width + "): the scenario is not deterministic");
    }
    if (depth == taken.length) {
      taken = Arrays.copyOf(taken, depth * 2);
      widths = Arrays.copyOf(widths, depth * 2);
    }
    taken[depth] = c;
    widths[depth] = width;
    depth++;
    return c;
  }

  /** Moves to the next unexplored branch; false when the tree is exhausted. */
  boolean next() {
    for (int d = depth - 1; d >= 0; d--) {
      if (taken[d] + 1 < widths[d]) {
        prefix = Arrays.copyOf(taken, d + 1);
        prefix[d]++;
        return true;
      }
    }
    return false;
  }
}
