package org.percpulab.bench.run;

import java.util.Locale;

/**
 * A workload run stopped because the simulated machine ran out of memory (an alloc_percpu
 * returned NULL or a page-table page could not be allocated). The two modes would no longer do the
 * same work, so {@link WorkloadRunner} stops at the first failure instead of comparing unequal
 * runs; the command prints {@link #line} (exit 1) naming {@code mm.memory} and a size that fits.
 */
public final class SimulatedOutOfMemory extends RuntimeException {
  private final String workload;
  private final String mode;
  private final long eventsDone;
  private final long eventsExpected;

  public SimulatedOutOfMemory(String workload, String mode, long eventsDone, long eventsExpected,
      String what) {
    super(workload + " " + mode + ": " + what);
    this.workload = workload;
    this.mode = mode;
    this.eventsDone = eventsDone;
    this.eventsExpected = eventsExpected;
  }

  /**
   * A size that fits, estimated from how far the run got: the whole of {@code memBytes} was in
   * use after {@code eventsDone} of {@code eventsExpected} events, so the run needs about
   * {@code memBytes * expected / done} (assumption: memory grows at most linearly with the
   * events); rounded up to a power of two, at least twice {@code memBytes}, at most 64T.
   */
  public long fittingBytes(long memBytes) {
    double ratio = eventsDone <= 0 ? 2.0 : Math.max(2.0, eventsExpected / (double) eventsDone);
    double need = memBytes * ratio * 1.25;
    long p = Long.highestOneBit((long) Math.min(need, 1L << 46));
    if (p < need) {
      p <<= 1;
    }
    return Math.min(p, 1L << 46);
  }

  /** The one error line: what failed, where, and the {@code mm.memory} that would fit. */
  public String line(String memText, long memBytes) {
    long fit = fittingBytes(memBytes);
    String fitText = fit >= (1L << 46) ? "64T (the largest; lower the count)" : size(fit);
    return String.format(Locale.ROOT, "%s: the simulated machine ran out of memory in the %s run"
        + " after %d of %d events (%s) with mm.memory=%s, so the modes would not do the same"
        + " work; set mm.memory=%s (estimated to fit) or lower the count", workload, mode,
        eventsDone, eventsExpected, detail(), memText, fitText);
  }

  private String detail() {
    String m = getMessage();
    return m.substring(m.indexOf(": ") + 2);
  }

  static String size(long b) {
    if (b % (1L << 40) == 0) {
      return (b >> 40) + "T";
    }
    if (b % (1L << 30) == 0) {
      return (b >> 30) + "G";
    }
    return (b >> 20) + "M";
  }
}
