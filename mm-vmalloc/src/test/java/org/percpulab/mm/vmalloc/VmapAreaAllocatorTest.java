package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The KVA allocator on a 16-page toy range {@code [0x10000000, 0x10010000)}, 4 KiB pages. Maps: one
 * column per page, {@code .} free, letters busy.
 */
class VmapAreaAllocatorTest {
  private static final long B = 0x1000_0000L;
  private static final long P = 0x1000;

  private static VmapAreaAllocator toy() {
    return new VmapAreaAllocator(B, B + 16 * P, P);
  }

  private static long alloc(VmapAreaAllocator a, int pages, long align, String tag) {
    return a.allocBusy(pages * P, align, a.rangeStart(), a.rangeEnd(), tag);
  }

  /** Renders the busy map of the toy range: one character per page. */
  private static String map(VmapAreaAllocator a) {
    char[] c = ".".repeat(16).toCharArray();
    for (VmapAreaAllocator.Range r : a.busyRanges()) {
      for (long p = r.start(); p < r.end(); p += P) {
        c[(int) ((p - B) / P)] = ((String) r.owner()).charAt(0);
      }
    }
    return new String(c);
  }

  @Test
  void lowestAddressFirstFit() {
    VmapAreaAllocator a = toy();
    // 0123456789abcdef
    // AABBBC..........
    assertThat(alloc(a, 2, 1, "A")).isEqualTo(0x1000_0000L);
    assertThat(alloc(a, 3, 1, "B")).isEqualTo(0x1000_2000L);
    assertThat(alloc(a, 1, 1, "C")).isEqualTo(0x1000_5000L);
    assertThat(map(a)).isEqualTo("AABBBC..........");
    assertThat(a.fitCount(FitType.LE_FIT_TYPE)).isEqualTo(3);
    // AA...C..........   B freed: a 3-page hole below the big free block
    assertThat(a.unlinkBusy(0x1000_2000L)).isEqualTo(3 * P);
    a.free(0x1000_2000L, 3 * P);
    assertThat(map(a)).isEqualTo("AA...C..........");
    // AADD.CEEEE......   D takes the hole's left edge; E does not fit the 1-page rest
    assertThat(alloc(a, 2, 1, "D")).isEqualTo(0x1000_2000L);
    assertThat(alloc(a, 4, 1, "E")).isEqualTo(0x1000_6000L);
    assertThat(map(a)).isEqualTo("AADD.CEEEE......");
    // AADDFCEEEE......   the 1-page hole is a full fit
    assertThat(alloc(a, 1, 1, "F")).isEqualTo(0x1000_4000L);
    assertThat(a.fitCount(FitType.FL_FIT_TYPE)).isEqualTo(1);
    assertThat(a.freeRanges()).extracting(VmapAreaAllocator.Range::start)
        .containsExactly(0x1000_a000L);
    assertThat(a.checkInvariants()).isNull();
  }

  @Test
  void alignmentSplitsTheBlockInTwo() {
    VmapAreaAllocator a = toy();
    // A...............
    alloc(a, 1, 1, "A");
    // A...B...........   16 KiB alignment: the free block [1, 16) is cut in the middle (NE fit)
    assertThat(alloc(a, 1, 4 * P, "B")).isEqualTo(0x1000_4000L);
    assertThat(map(a)).isEqualTo("A...B...........");
    assertThat(a.fitCount(FitType.NE_FIT_TYPE)).isEqualTo(1);
    assertThat(a.freeRanges()).extracting(VmapAreaAllocator.Range::start, VmapAreaAllocator.Range::end)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0x1000_1000L, 0x1000_4000L),
            org.assertj.core.groups.Tuple.tuple(0x1000_5000L, 0x1001_0000L));
    // A...B...CC......   8-page-aligned 2 pages: lowest aligned start is page 8
    assertThat(alloc(a, 2, 8 * P, "C")).isEqualTo(0x1000_8000L);
    // A...B...CC.....D   right-edge fit at the top window end
    assertThat(a.allocBusy(P, 1, B + 15 * P, B + 16 * P, "D")).isEqualTo(0x1000_f000L);
    assertThat(map(a)).isEqualTo("A...B...CC.....D");
    assertThat(a.fitCount(FitType.RE_FIT_TYPE)).isEqualTo(1);
    assertThat(a.fitCount(FitType.NE_FIT_TYPE)).isEqualTo(2);
    assertThat(a.checkInvariants()).isNull();
  }

  @Test
  void rightEdgeFit() {
    VmapAreaAllocator a = toy();
    // ..............AA   window [14, 16): the whole-block's right edge
    assertThat(a.allocBusy(2 * P, 1, B + 14 * P, B + 16 * P, "A")).isEqualTo(0x1000_e000L);
    assertThat(a.fitCount(FitType.RE_FIT_TYPE)).isEqualTo(1);
    assertThat(map(a)).isEqualTo("..............AA");
  }

  @Test
  void freedNeighboursMergeIntoOneBlock() {
    VmapAreaAllocator a = toy();
    // AABBCCDD........
    for (String t : List.of("A", "B", "C", "D")) {
      alloc(a, 2, 1, t);
    }
    assertThat(a.freeBlockCount()).isEqualTo(1);
    // AA..CCDD........   free B: a new block
    a.free(B + 2 * P, a.unlinkBusy(B + 2 * P));
    assertThat(a.freeBlockCount()).isEqualTo(2);
    // AA..CC..........   free D: merges with the top block (next neighbour)
    a.free(B + 6 * P, a.unlinkBusy(B + 6 * P));
    assertThat(a.freeBlockCount()).isEqualTo(2);
    // AA..............   free C: merges with both neighbours, three blocks become one
    a.free(B + 4 * P, a.unlinkBusy(B + 4 * P));
    assertThat(a.freeBlockCount()).isEqualTo(1);
    assertThat(a.freeRanges().get(0).start()).isEqualTo(0x1000_2000L);
    assertThat(a.largestFreeBlock()).isEqualTo(14 * P);
    // ................   free A: merges with the previous-less, next block
    a.free(B, a.unlinkBusy(B));
    assertThat(a.freeRanges()).hasSize(1);
    assertThat(a.freeBytes()).isEqualTo(16 * P);
    assertThat(a.checkInvariants()).isNull();
  }

  @Test
  void outOfSpaceIsANormalResult() {
    VmapAreaAllocator a = toy();
    assertThat(alloc(a, 16, 1, "A")).isEqualTo(B);
    assertThat(alloc(a, 1, 1, "B")).isEqualTo(VmapAreaAllocator.NO_SPACE);
    assertThat(a.busyCount()).isEqualTo(1);
    assertThat(a.freeBlockCount()).isZero();
  }

  @Test
  void badRequestsChangeNothing() {
    VmapAreaAllocator a = toy();
    assertThatThrownBy(() -> alloc(a, 0, 1, "A")).isInstanceOf(VmallocException.class)
        .hasMessage("vmap area size 0 must be a positive multiple of 4096");
    assertThatThrownBy(() -> alloc(a, 1, 3, "A")).isInstanceOf(VmallocException.class)
        .hasMessage("vmap area align 3 must be a power of two");
    assertThatThrownBy(() -> a.allocBusy(P, 1, B - P, B + P, "A"))
        .isInstanceOf(VmallocException.class)
        .hasMessageContaining("must lie inside 0x0000000010000000-0x0000000010010000");
    assertThat(a.unlinkBusy(B)).isEqualTo(-1);
    assertThat(a.freeBytes()).isEqualTo(16 * P);
    assertThat(a.busyCount()).isZero();
  }

  @Test
  void busyAreasAreFindableByAddress() {
    VmapAreaAllocator a = toy();
    alloc(a, 2, 1, "A");
    alloc(a, 3, 1, "B");
    assertThat(a.busyAt(B + 2 * P)).isEqualTo("B");
    assertThat(a.busyAt(B + 3 * P)).isNull();
    assertThat(a.busyContaining(B + 4 * P + 5)).isEqualTo("B");
    assertThat(a.busyContaining(B + 5 * P)).isNull();
  }

  @Test
  void congruentPlacementInterleavesWithEarlierChunks() {
    // Two groups at offsets 0 and 4 pages, 1 page each, on the toy range.
    VmapAreaAllocator a = toy();
    long[] off = {0, 4 * P};
    long[] sz = {P, P};
    // ...........A...A   first: highest base whose last group ends at the range end
    long b1 = a.placeCongruent(off, sz, P);
    assertThat(b1).isEqualTo(B + 11 * P);
    // ..........BA..BA   second: the next base below that fits both
    long b2 = a.placeCongruent(off, sz, P);
    assertThat(b2).isEqualTo(B + 10 * P);
    // .........CBA.CBA   third: the hole at 13 takes group 1 again
    assertThat(a.placeCongruent(off, sz, P)).isEqualTo(B + 9 * P);
    // ........DCBADCBA   fourth: the last hole at 12
    assertThat(a.placeCongruent(off, sz, P)).isEqualTo(B + 8 * P);
    // ...E...EDCBADCBA   fifth: no hole left above; the base drops into the low block
    assertThat(a.placeCongruent(off, sz, P)).isEqualTo(B + 3 * P);
    // a 9-page span cannot fit anywhere any more
    assertThat(a.placeCongruent(new long[] {0, 8 * P}, sz, P)).isEqualTo(VmapAreaAllocator.NO_SPACE);
    assertThat(a.freeRanges()).extracting(VmapAreaAllocator.Range::start)
        .containsExactly(B, B + 4 * P);
    assertThat(a.checkInvariants()).isNull();
  }
}
