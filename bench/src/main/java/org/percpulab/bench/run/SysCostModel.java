package org.percpulab.bench.run;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.percpulab.bench.workload.KernelEvent;

/**
 * The rest of the kernel's work per event, in cycles, for {@code sysChangePercent}: everything a
 * page fault, fork, exit... costs besides the percpu work the simulator executes (page zeroing,
 * locks, page tables of user mms, slab, scheduling). These are ASSUMPTIONS, not measurements,
 * shown in every output and overridable with {@code --sys-cost EVENT=CYCLES}:
 * <ul>
 * <li>PAGE_FAULT 2,500: an anonymous 4K fault incl. clearing the page, roughly 1 us at 2.5 GHz;
 * <li>FORK 60,000 and EXEC 150,000: fork of a small process ~25 us, execve ~60 us;
 * <li>EXIT 40,000: exit and reap of a small process;
 * <li>MMAP 2,000 and MUNMAP 4,000 (+ ZAP_PAGE 150 per resident page freed);
 * <li>MIGRATE 4,000: a load-balancing migration including the context switch;
 * <li>MEMCG_CREATE 120,000 and MEMCG_DESTROY 80,000: cgroup mkdir/rmdir incl. kernfs and RCU work;
 * <li>ATTACH 20,000; BALANCE and SAMPLE 0 (the balance work's page-table part is simulated).
 * </ul>
 */
public final class SysCostModel {
  /** Pseudo-event for the per-page zap cost of munmap/exit. */
  public static final String ZAP_PAGE = "ZAP_PAGE";
  private final Map<KernelEvent.Type, Long> perEvent = new EnumMap<>(KernelEvent.Type.class);
  private long zapPage = 150;

  public SysCostModel() {
    perEvent.put(KernelEvent.Type.PAGE_FAULT, 2_500L);
    perEvent.put(KernelEvent.Type.FORK, 60_000L);
    perEvent.put(KernelEvent.Type.EXEC, 150_000L);
    perEvent.put(KernelEvent.Type.EXIT, 40_000L);
    perEvent.put(KernelEvent.Type.MMAP, 2_000L);
    perEvent.put(KernelEvent.Type.MUNMAP, 4_000L);
    perEvent.put(KernelEvent.Type.MIGRATE, 4_000L);
    perEvent.put(KernelEvent.Type.MEMCG_CREATE, 120_000L);
    perEvent.put(KernelEvent.Type.MEMCG_DESTROY, 80_000L);
    perEvent.put(KernelEvent.Type.ATTACH, 20_000L);
    perEvent.put(KernelEvent.Type.BALANCE, 0L);
    perEvent.put(KernelEvent.Type.SAMPLE, 0L);
  }

  /**
   * Overrides from {@code EVENT=CYCLES} strings.
   *
   * @throws IllegalArgumentException naming the bad entry and what is allowed
   */
  public SysCostModel with(Iterable<String> overrides) {
    for (String o : overrides) {
      int eq = o.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("--sys-cost " + o + ": expected EVENT=CYCLES");
      }
      String name = o.substring(0, eq).trim().toUpperCase(Locale.ROOT).replace('-', '_');
      long v;
      try {
        v = Long.parseLong(o.substring(eq + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--sys-cost " + o + ": CYCLES must be an integer");
      }
      if (v < 0) {
        throw new IllegalArgumentException("--sys-cost " + o + ": CYCLES must be >= 0");
      }
      if (name.equals(ZAP_PAGE)) {
        zapPage = v;
        continue;
      }
      try {
        perEvent.put(KernelEvent.Type.valueOf(name), v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--sys-cost " + o + ": unknown event; allowed: "
            + String.join(", ", table().keySet()));
      }
    }
    return this;
  }

  /** Cycles of the rest of the kernel for the events and zapped pages of one run. */
  public long cycles(Map<KernelEvent.Type, Long> events, long zappedPages) {
    long s = zapPage * zappedPages;
    for (Map.Entry<KernelEvent.Type, Long> e : events.entrySet()) {
      s += perEvent.get(e.getKey()) * e.getValue();
    }
    return s;
  }

  /** Cycles of the rest of the kernel for one event of {@code type}. */
  public long cycles(KernelEvent.Type type) {
    return perEvent.get(type);
  }

  /** The assumption table, event name -> cycles, for the output. */
  public Map<String, Long> table() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (Map.Entry<KernelEvent.Type, Long> e : perEvent.entrySet()) {
      m.put(e.getKey().name(), e.getValue());
    }
    m.put(ZAP_PAGE, zapPage);
    return Collections.unmodifiableMap(m);
  }
}
