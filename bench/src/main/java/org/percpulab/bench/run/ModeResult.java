package org.percpulab.bench.run;

import java.util.Map;

/**
 * Figures of one workload run in one mode. Counters are totals of the run; the four memory
 * figures are the peak over the run's samples (SAMPLE and BALANCE events and the end).
 *
 * @param available false when the backend cannot run this mode (then the figures are the
 *     baseline's, see {@code note})
 * @param note why, or empty
 * @param percpuOps this_cpu ops executed
 * @param instructions instructions of those ops
 * @param opCycles modelled cycles of those ops
 * @param chunkPageTableCycles modelled cycles of chunk page-table work
 * @param percpuCycles opCycles + chunkPageTableCycles: the percpu work
 * @param sysCycles percpuCycles + the rest of the kernel per event (assumption table)
 * @param byOpType op type -> {count, instructions, cycles}
 * @param tlbHits TLB hits
 * @param tlbMisses TLB misses
 * @param chunksCreated dynamic chunks created
 * @param chunksDestroyed chunks destroyed
 * @param percpuBytes peak populated percpu memory
 * @param localMapVirtualBytes peak VA in the local area
 * @param perCpuPageTableBytes peak private page-table memory of all CPUs
 * @param pageTableBytesTotal peak kernel page-table memory
 * @param allocations alloc_percpu calls that succeeded
 * @param failedAllocations alloc_percpu calls that returned NULL
 * @param frees free_percpu calls
 * @param events events executed per type
 * @param zappedPages pages zapped by munmap/exit
 * @param perCpuPtrAccesses per_cpu_ptr reads/writes executed (not this_cpu ops)
 * @param skippedPerCpuStores per_cpu_ptr initialisation stores counted but not executed
 * @param counterDigest digest of every counter value (identical across backends and modes)
 * @param wallMillis host time of the run
 * @param byPath kernel path -> {this_cpu op cycles, chunk page-table cycles} ({@link
 *     PathAttribution}); the values add up to opCycles and chunkPageTableCycles
 * @param layout the local area's layout ({@code mirror}, {@code packed}; {@code none} without the
 *     local map)
 * @param unitSize percpu unit size in bytes (localMapVirtualBytes / unitSize = local units)
 * @param memcgBytesPerCpu percpu bytes per CPU one created memcg requested (0: none created)
 * @param translationRoots per-mm cost of the backend's translation-root model
 *     ({@link org.percpulab.bench.workload.TranslationRootCost#figures()})
 * @param inOpInterrupts interrupts that landed inside this_cpu ops and the fixups / restarts they
 *     caused, with their cycles ({@link InOpInterrupts#figures()}; its pathCycles are included in
 *     percpuCycles and sysCycles, its rerunCycles are part of opCycles)
 */
public record ModeResult(boolean available, String note, long percpuOps, long instructions,
    long opCycles, long chunkPageTableCycles, long percpuCycles, long sysCycles,
    Map<String, long[]> byOpType, long tlbHits, long tlbMisses, long chunksCreated,
    long chunksDestroyed, long percpuBytes, long localMapVirtualBytes, long perCpuPageTableBytes,
    long pageTableBytesTotal, long allocations, long failedAllocations, long frees,
    Map<String, Long> events, long zappedPages, long perCpuPtrAccesses, long skippedPerCpuStores,
    long counterDigest, long wallMillis, Map<String, long[]> byPath, String layout,
    long unitSize, long memcgBytesPerCpu, Map<String, Object> translationRoots,
    Map<String, Long> inOpInterrupts) {

  /** A result without a per-path split. */
  public ModeResult(boolean available, String note, long percpuOps, long instructions,
      long opCycles, long chunkPageTableCycles, long percpuCycles, long sysCycles,
      Map<String, long[]> byOpType, long tlbHits, long tlbMisses, long chunksCreated,
      long chunksDestroyed, long percpuBytes, long localMapVirtualBytes, long perCpuPageTableBytes,
      long pageTableBytesTotal, long allocations, long failedAllocations, long frees,
      Map<String, Long> events, long zappedPages, long perCpuPtrAccesses, long skippedPerCpuStores,
      long counterDigest, long wallMillis) {
    this(available, note, percpuOps, instructions, opCycles, chunkPageTableCycles, percpuCycles,
        sysCycles, byOpType, tlbHits, tlbMisses, chunksCreated, chunksDestroyed, percpuBytes,
        localMapVirtualBytes, perCpuPageTableBytes, pageTableBytesTotal, allocations,
        failedAllocations, frees, events, zappedPages, perCpuPtrAccesses, skippedPerCpuStores,
        counterDigest, wallMillis, Map.of(), "none", 0, 0, Map.of(), Map.of());
  }

  /** This result re-labelled as not available in a mode, with the reason. */
  public ModeResult unavailable(String why) {
    return new ModeResult(false, why, percpuOps, instructions, opCycles, chunkPageTableCycles,
        percpuCycles, sysCycles, byOpType, tlbHits, tlbMisses, chunksCreated, chunksDestroyed,
        percpuBytes, localMapVirtualBytes, perCpuPageTableBytes, pageTableBytesTotal, allocations,
        failedAllocations, frees, events, zappedPages, perCpuPtrAccesses, skippedPerCpuStores,
        counterDigest, 0, byPath, layout, unitSize, memcgBytesPerCpu, translationRoots,
        inOpInterrupts);
  }
}
