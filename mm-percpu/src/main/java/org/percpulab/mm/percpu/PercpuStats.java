package org.percpulab.mm.percpu;

import java.util.Arrays;

/**
 * mm/percpu-stats.c: the text of /sys/kernel/debug/percpu_stats (CONFIG_PERCPU_STATS) — the
 * allocation info, the global stats, then per-chunk stats (reserved chunk first, then every chunk
 * on the slot lists in slot order). Fragmentation is measured from the chunk start to the last
 * allocation; all values in bytes unless named otherwise.
 */
public final class PercpuStats {
  private PercpuStats() {}

  private static void p(StringBuilder sb, String name, long v) {
    sb.append(String.format("  %-20s: %12d\n", name, v));
  }

  /** The whole file. */
  public static String show(PercpuAllocator pcpu) {
    StringBuilder sb = new StringBuilder();
    PcpuAllocInfo ai = pcpu.allocInfo();
    sb.append("Percpu Memory Statistics\nAllocation Info:\n")
        .append("----------------------------------------\n");
    p(sb, "unit_size", ai.unitSize);
    p(sb, "static_size", ai.staticSize);
    p(sb, "reserved_size", ai.reservedSize);
    p(sb, "dyn_size", ai.dynSize);
    p(sb, "atom_size", ai.atomSize);
    p(sb, "alloc_size", ai.allocSize);
    sb.append('\n');
    sb.append("Global Stats:\n----------------------------------------\n");
    p(sb, "nr_alloc", pcpu.statNrAlloc());
    p(sb, "nr_dealloc", pcpu.statNrDealloc());
    p(sb, "nr_cur_alloc", pcpu.statNrCurAlloc());
    p(sb, "nr_max_alloc", pcpu.statNrMaxAlloc());
    p(sb, "nr_chunks", pcpu.statNrChunks());
    p(sb, "nr_max_chunks", pcpu.statNrMaxChunks());
    p(sb, "min_alloc_size", pcpu.statMinAllocSize());
    p(sb, "max_alloc_size", pcpu.statMaxAllocSize());
    p(sb, "empty_pop_pages", pcpu.nrEmptyPopPages());
    sb.append('\n');
    sb.append("Per Chunk Stats:\n----------------------------------------\n");
    if (pcpu.reservedChunk() != null) {
      sb.append("Chunk: <- Reserved Chunk\n");
      chunkMapStats(sb, pcpu.reservedChunk());
    }
    for (int slot = 0; slot < pcpu.nrSlots(); slot++) {
      for (PcpuChunk c : pcpu.slotList(slot)) {
        if (c == pcpu.firstChunk()) {
          sb.append("Chunk: <- First Chunk\n");
        } else if (slot == pcpu.toDepopulateSlot()) {
          sb.append("Chunk (to_depopulate)\n");
        } else if (slot == pcpu.sidelinedSlot()) {
          sb.append("Chunk (sidelined):\n");
        } else {
          sb.append("Chunk:\n");
        }
        chunkMapStats(sb, c);
      }
    }
    return sb.toString();
  }

  /** chunk_map_stats. */
  private static void chunkMapStats(StringBuilder sb, PcpuChunk c) {
    int size = c.mapBits() - c.endOffset / 4 - 1;
    int lastAlloc = Bitmaps.lastSet(c.allocMap, size);
    lastAlloc = Bitmaps.test(c.allocMap, lastAlloc) ? lastAlloc + 1 : 0;
    int[] sizes = new int[2 * Math.max(c.nrAlloc, 0) + 2 + c.mapBits() / 2];
    int n = 0;
    int start = c.startOffset / 4;
    while (start < lastAlloc) {
      int end;
      if (Bitmaps.test(c.allocMap, start)) {
        end = Bitmaps.nextSet(c.boundMap, lastAlloc, start + 1);
        sizes[n++] = (end - start) * 4;
      } else {
        end = Bitmaps.nextSet(c.allocMap, lastAlloc, start + 1);
        sizes[n++] = -(end - start) * 4;
      }
      start = end;
    }
    int sumFrag = 0;
    int maxFrag = 0;
    int curMin = 0;
    int curMed = 0;
    int curMax = 0;
    if (n > 0) {
      Arrays.sort(sizes, 0, n);
      int i = 0;
      for (; i < n && sizes[i] < 0; i++) {
        sumFrag -= sizes[i];
        maxFrag = Math.max(maxFrag, -sizes[i]);
      }
      curMin = sizes[i < n ? i : n - 1];
      curMed = sizes[(i + n - 1) / 2];
      curMax = sizes[n - 1];
      if (i == n) {
        curMin = 0;
      }
    }
    p(sb, "nr_alloc", c.nrAlloc);
    p(sb, "max_alloc_size", c.maxAllocSize);
    p(sb, "empty_pop_pages", c.nrEmptyPopPages);
    p(sb, "first_bit", c.chunkMd.firstFree);
    p(sb, "free_bytes", c.freeBytes);
    p(sb, "contig_bytes", (long) c.chunkMd.contigHint * 4);
    p(sb, "sum_frag", sumFrag);
    p(sb, "max_frag", maxFrag);
    p(sb, "cur_min_alloc", curMin);
    p(sb, "cur_med_alloc", curMed);
    p(sb, "cur_max_alloc", curMax);
    sb.append('\n');
  }
}
