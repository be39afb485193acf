package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Where mm/percpu.c (v6.17) lets a block's or the chunk's hints drift from a from-scratch
 * recomputation. Each case drives one chunk the way pcpu_alloc does (pcpu_find_block_fit, then
 * pcpu_alloc_area at the returned offset) and pcpu_free_area, with 4 KiB pages: one block = 1024
 * bits of 4 bytes. Bitmaps in the comments: '#' allocated, '.' free, bit 0 on the left.
 */
class PcpuBlockHintDriftTest {

  private static PcpuChunk chunk(int pages) {
    PcpuChunk c = new PcpuChunk(new PercpuAllocator(4096, null), 0, pages, 0, 0);
    c.isolated = true; // no slot lists: only the bitmap allocator runs
    c.freeBytes = pages * 4096;
    return c;
  }

  /** pcpu_alloc's per-chunk step; returns the bit offset. */
  private static int alloc(PcpuChunk c, int bits, int align) {
    int off = c.findBlockFit(bits, align, false);
    assertThat(off).as("pcpu_find_block_fit(%d bits, align %d)", bits, align).isNotNegative();
    return c.allocArea(bits, align, off) / 4;
  }

  private static void free(PcpuChunk c, int bit) {
    c.freeArea(bit * 4);
  }

  private static String md(PcpuBlockMd b) {
    return b.toString();
  }

  /**
   * pcpu_block_update: a free area larger than contig_hint that starts after contig_hint_start
   * keeps the old scan_hint when {@code contig_hint == scan_hint} and {@code start ==
   * scan_hint_start} (the test is "start &lt; scan_hint_start"), so the scan hint then starts where
   * the new contig hint starts and lies inside it. When an allocation later breaks that contig hint,
   * pcpu_block_refresh_hint promotes the stale scan hint and scans only from its end: the new contig
   * hint is a piece of a free run, not the run, and under-estimates it.
   */
  @Test
  void staleScanHintAtContigStartSplitsTheContigHint() {
    PcpuChunk c = chunk(1);
    PcpuBlockMd b = c.mdBlocks[0];
    assertThat(alloc(c, 1, 1)).isZero();
    assertThat(alloc(c, 5, 2)).isEqualTo(2);
    assertThat(alloc(c, 1016, 8)).isEqualTo(8);
    // #.#####.######...   contig 1@1 and an equal, farther scan hint 1@7 (full refresh scan)
    assertThat(md(b)).isEqualTo("md{scan=1@7 contig=1@1 left=0 right=0 first=1 nr=1024}");
    free(c, 8);
    // #.#####..........   free area [7,1024): contig 1017@7, scan hint 1@7 kept (start == 7)
    assertThat(md(b)).isEqualTo("md{scan=1@7 contig=1017@7 left=0 right=1017 first=1 nr=1024}");
    assertThat(alloc(c, 1008, 16)).isEqualTo(16);
    // #.#####.........#####...#   free runs [1,2) and [7,16) (9 bits); refresh promoted 1@7 and
    //        ^^^^^^^^^            scanned from bit 8: contig 8@8, scan 1@7
    assertThat(md(b)).isEqualTo("md{scan=1@7 contig=8@8 left=0 right=0 first=1 nr=1024}");
    assertThat(Bitmaps.test(c.allocMap, 7)).as("bit 7 is free").isFalse();
  }

  /**
   * pcpu_block_update_hint_alloc zeroes a scan hint the allocation overlaps without rescanning, so
   * a larger free run before the contig hint becomes unknown. A later smaller free run before the
   * contig hint becomes the scan hint (pcpu_block_update, "smaller than contig_hint" branch);
   * pcpu_next_hint then starts the search past it, and when the allocation breaks the contig hint,
   * pcpu_block_refresh_hint promotes the scan hint and scans only after it: the larger run before
   * it is never seen again until a full rescan.
   */
  @Test
  void zeroedScanHintThenSmallerRunLosesTheLargestRun() {
    PcpuChunk c = chunk(1);
    PcpuBlockMd b = c.mdBlocks[0];
    assertThat(alloc(c, 10, 1)).isZero();
    assertThat(alloc(c, 3, 1)).isEqualTo(10);
    assertThat(alloc(c, 4, 1)).isEqualTo(13);
    assertThat(alloc(c, 1, 1)).isEqualTo(17);
    free(c, 0);
    // ..........########........   scan 10@0 (run [0,10)), contig 1006@18
    assertThat(md(b)).isEqualTo("md{scan=10@0 contig=1006@18 left=10 right=1006 first=0 nr=1024}");
    assertThat(alloc(c, 2, 1)).isZero();
    // ##........########........   the allocation overlapped the scan hint: scan hint 0
    assertThat(md(b)).isEqualTo("md{scan=0@0 contig=1006@18 left=0 right=1006 first=2 nr=1024}");
    free(c, 13);
    // ##........###....#........   free run [13,17) becomes scan hint 4@13; [2,10) is 8 bits
    assertThat(md(b)).isEqualTo("md{scan=4@13 contig=1006@18 left=0 right=1006 first=2 nr=1024}");
    assertThat(alloc(c, 1006, 1)).isEqualTo(18);
    // ##........###....#########   largest free run [2,10) = 8 bits, contig hint 4@13
    assertThat(md(b)).isEqualTo("md{scan=0@13 contig=4@13 left=0 right=0 first=2 nr=1024}");
  }

  /**
   * pcpu_block_refresh_hint sets right_free to 0 and only its scan loop sets it again; when the
   * promoted scan hint is the free run that ends at the block end, the scan starts at the block end
   * and right_free stays 0 while the block's last bits are free.
   */
  @Test
  void promotedScanHintAtBlockEndLeavesRightFreeZero() {
    PcpuChunk c = chunk(1);
    PcpuBlockMd b = c.mdBlocks[0];
    assertThat(alloc(c, 3, 16)).isZero();
    assertThat(alloc(c, 995, 16)).isEqualTo(16);
    // ###.............#######...#.............   runs [3,16) and [1011,1024), both 13 bits:
    // contig 13@3 and the equal, farther scan hint 13@1011
    assertThat(md(b)).isEqualTo("md{scan=13@1011 contig=13@3 left=0 right=13 first=3 nr=1024}");
    assertThat(alloc(c, 7, 1)).isEqualTo(3);
    // ##########......#######...#.............   contig broken: 13@1011 promoted, right_free 0
    assertThat(md(b)).isEqualTo("md{scan=0@1011 contig=13@1011 left=0 right=0 first=10 nr=1024}");
  }

  /**
   * pcpu_block_update_hint_alloc clears contig/scan/left/right of the blocks strictly inside a
   * multi-block allocation but leaves their first_free alone: first_free is only a lower bound.
   */
  @Test
  void inBetweenBlockKeepsItsFirstFree() {
    PcpuChunk c = chunk(3);
    assertThat(alloc(c, 2079, 1)).isZero();
    // block 0 ####...#  block 1 ####...#  block 2 ###(31)....
    assertThat(md(c.mdBlocks[1])).isEqualTo("md{scan=0@0 contig=0@0 left=0 right=0 first=0 nr=1024}");
    assertThat(md(c.mdBlocks[2])).isEqualTo(
        "md{scan=0@0 contig=993@31 left=0 right=993 first=31 nr=1024}");
  }

  /**
   * pcpu_block_update_hint_free refreshes the chunk only when the freed run spans blocks or covers
   * one; otherwise it feeds chunk_md the run cut at the block boundary. Here the free run [6,3072)
   * continues into block 1, the chunk keeps contig 3061@11 ("may be off by up to a page").
   */
  @Test
  void chunkContigHintIgnoresTheRunBeyondTheBlock() {
    PcpuChunk c = chunk(3);
    assertThat(alloc(c, 6, 8)).isZero();
    assertThat(alloc(c, 3, 4)).isEqualTo(8);
    free(c, 8);
    // ######..........(to bit 3072)
    assertThat(md(c.chunkMd)).isEqualTo(
        "md{scan=1018@6 contig=3061@11 left=3072 right=3061 first=6 nr=3072}");
  }

  /**
   * pcpu_block_update_hint_free's last step passes the chunk offset of start and the block offset
   * of end to pcpu_block_update(chunk_md): for a free inside block n &gt; 0 the area is negative and
   * chunk_md is unchanged. A full chunk stays with contig_hint 0 (slot 0) after freeing 40 bytes in
   * block 1.
   */
  @Test
  void freeInsideALaterBlockLeavesChunkContigHintAlone() {
    PcpuChunk c = chunk(2);
    assertThat(alloc(c, 1024, 1)).isZero();
    assertThat(alloc(c, 10, 1)).isEqualTo(1024);
    assertThat(alloc(c, 1, 1)).isEqualTo(1034);
    assertThat(alloc(c, 1013, 1)).isEqualTo(1035);
    free(c, 1024);
    // block 0 full, block 1 ..........##########   10 free bits, chunk contig_hint still 0
    assertThat(md(c.mdBlocks[1])).isEqualTo(
        "md{scan=0@0 contig=10@0 left=10 right=0 first=0 nr=1024}");
    assertThat(c.chunkMd.contigHint).isZero();
    assertThat(c.freeBytes).isEqualTo(40);
    assertThat(c.slot()).isZero();
  }
}
