package org.percpulab.bench.run;

import java.util.Map;
import org.percpulab.bench.workload.KernelEvent;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.OpMode;

/**
 * What each {@code percpu.access} costs outside the this_cpu op itself, so a workload can weigh a
 * cheaper op against dearer paths. The op sequences are executed by the simulator; these path
 * costs are MODELLED (micro-ops per path priced with the backend's cost table), per event:
 * <ul>
 *   <li>exception returns: one per syscall or fault event (PAGE_FAULT, FORK, EXEC, EXIT, MMAP,
 *       MUNMAP, MEMCG_CREATE, MEMCG_DESTROY, ATTACH) and one per MIGRATE (the IPI or tick);
 *   <li>context switches: one per MIGRATE, FORK and EXIT (assumption).
 * </ul>
 * Per access:
 * <ul>
 *   <li>offset, segment: nothing extra (segment is the upper bound; x86's swapgs is paid by every
 *       design on x86 and not modelled).
 *   <li>local-map: nothing per switch or exception (each CPU keeps its own TTBR1; on s390 its own
 *       kernel ASCE in lowcore, loaded into CR13 once at CPU bring-up and into CR1 by
 *       finish_arch_post_lock_switch from lowcore as today, arch/s390/include/asm/mmu_context.h;
 *       v6.17 entry.S reloads no kernel ASCE on entry); chunk create,
 *       populate, depopulate and destroy map and unmap the local alias in every CPU's table: that
 *       work is simulated (chunkPageTableCycles), as is the per-CPU table memory.
 *   <li>private-page: per context switch the x86-style fold of need_resched into the per-CPU count
 *       (load + store); memory: simulated — every CPU's own tables down to the private page
 *       (perCpuPageTableBytes) and the pages themselves (the machine's privatePageBytes, reported
 *       as accessMemoryBytes); no chunk-path work (percpu data keeps one address).
 *   <li>marker-fixup: per exception return the marker test (load + branch); on s390 the marker
 *       lives in lowcore, so entry also saves and clears it (load + 2 stores) and exit restores it
 *       (+ store) (Carstens, May 21 2026: "the interrupt overhead"). No memory.
 *   <li>restart: per exception return and per context switch the test whether the interrupted
 *       context is in a restartable region (load of the task's region pointer + branch). No memory.
 * </ul>
 * These are the tests every exception return or switch pays. The fixup and the restart themselves
 * (rare: a migration or interrupt inside the op) are executed by core's executor where
 * {@link InOpInterrupts} lands an interrupt inside an op of a workload run (counted, with their
 * cycles, in the run's {@code inOpInterrupts}), and under {@code explore}'s interleavings.
 */
public final class AccessPathCosts {
  private AccessPathCosts() { }

  /** Exception returns of a run's events (see the class comment). */
  public static long exceptionReturns(Map<KernelEvent.Type, Long> events) {
    long n = 0;
    for (Map.Entry<KernelEvent.Type, Long> e : events.entrySet()) {
      switch (e.getKey()) {
        case BALANCE: case SAMPLE: break;
        default: n += e.getValue(); break;
      }
    }
    return n;
  }

  /** Context switches of a run's events (see the class comment). */
  public static long contextSwitches(Map<KernelEvent.Type, Long> events) {
    return events.getOrDefault(KernelEvent.Type.MIGRATE, 0L)
        + events.getOrDefault(KernelEvent.Type.FORK, 0L)
        + events.getOrDefault(KernelEvent.Type.EXIT, 0L);
  }

  /** Modelled cycles one exception entry + return adds for {@code access} on {@code arch}. */
  public static long perException(OpMode access, String arch, CostTable c) {
    switch (access) {
      case MARKER_FIXUP:
        long test = c.cycles(CostClass.LOAD) + c.cycles(CostClass.BRANCH);
        return arch.equals("s390") ? test + 2 * c.cycles(CostClass.LOAD)
            + 3 * c.cycles(CostClass.STORE) : test;
      case RESTART:
        return c.cycles(CostClass.LOAD) + c.cycles(CostClass.BRANCH);
      default:
        return 0;
    }
  }

  /** Modelled cycles one context switch adds for {@code access}. */
  public static long perSwitch(OpMode access, CostTable c) {
    switch (access) {
      case PRIVATE_PAGE:
        return c.cycles(CostClass.LOAD) + c.cycles(CostClass.STORE);
      case RESTART:
        return c.cycles(CostClass.LOAD) + c.cycles(CostClass.BRANCH);
      default:
        return 0;
    }
  }

  /** Path cycles of one run's events. */
  public static long cycles(OpMode access, String arch, CostTable c,
      Map<KernelEvent.Type, Long> events) {
    return exceptionReturns(events) * perException(access, arch, c)
        + contextSwitches(events) * perSwitch(access, c);
  }
}
