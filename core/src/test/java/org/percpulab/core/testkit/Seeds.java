package org.percpulab.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded-random property tests without a framework: run {@code n} cases, each with its own
 * {@link Random} from a seed derived from a base seed; on failure the seed and the recorded op
 * sequence are put in the error. Re-run one case with {@code -Dseed=<seed>}.
 *
 * <pre>
 * Seeds.run(200, (rnd, log) -&gt; {
 *   long va = ...; log.op("map 0x%x", va); ...
 * });
 * </pre>
 */
public final class Seeds {
  /** Base seed (override with {@code -Dseeds.base=N}); fixed so CI runs are reproducible. */
  public static final long BASE = Long.getLong("seeds.base", 0x5eedL);

  private Seeds() { }

  /** One property case. */
  @FunctionalInterface
  public interface Case {
    void run(Random rnd, OpLog log) throws Exception;
  }

  /** The op sequence of one case, printed on failure (last 200 ops). */
  public static final class OpLog {
    private final List<String> ops = new ArrayList<>();

    public void op(String format, Object... args) {
      ops.add(String.format(format, args));
    }

    public int size() { return ops.size(); }

    @Override public String toString() {
      int from = Math.max(0, ops.size() - 200);
      StringBuilder sb = new StringBuilder();
      if (from > 0) {
        sb.append("  ... ").append(from).append(" earlier ops\n");
      }
      for (int i = from; i < ops.size(); i++) {
        sb.append("  ").append(i).append(": ").append(ops.get(i)).append('\n');
      }
      return sb.toString();
    }
  }

  /** Seed of case {@code i}. */
  public static long seed(int i) {
    long z = BASE + i * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 27);
  }

  /**
   * Runs {@code cases} cases (or only {@code -Dseed=S} when given), wrapping the first failure in an
   * {@link AssertionError} that names the seed and the op sequence.
   */
  public static void run(int cases, Case c) {
    String only = System.getProperty("seed");
    if (only != null) {
      runOne(Long.decode(only), c);
      return;
    }
    for (int i = 0; i < cases; i++) {
      runOne(seed(i), c);
    }
  }

  /** Runs one case with {@code seed}. */
  public static void runOne(long seed, Case c) {
    OpLog log = new OpLog();
    try {
      c.run(new Random(seed), log);
    } catch (Throwable t) {
      AssertionError e = new AssertionError("property failed with seed 0x" + Long.toHexString(seed)
          + " (re-run with -Dseed=0x" + Long.toHexString(seed) + ") after " + log.size()
          + " ops:\n" + log + "cause: " + t, t);
      throw e;
    }
  }
}
