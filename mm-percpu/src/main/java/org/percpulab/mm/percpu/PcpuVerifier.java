package org.percpulab.mm.percpu;

import java.util.ArrayList;
import java.util.List;

/**
 * From-scratch recomputation of every chunk's allocator metadata (mm/percpu.c has no such checker;
 * this is the model's oracle). Compared exactly: alloc_map (against the caller's live set, when
 * given), bound_map at every live area (start bit, clear interior, end bit), free_bytes, each
 * block's left_free, populated counts, nr_empty_pop_pages per chunk and globally, the slot each
 * chunk sits on.
 *
 * <p>The hints themselves are checked only as far as mm/percpu.c (v6.17) keeps them; each drift
 * below has a reproducer in PcpuBlockHintDriftTest:
 * <ul>
 *   <li>block contig_hint: its bits are free and it never exceeds the largest free run. It may
 *       under-estimate and need not be a whole run: pcpu_block_update keeps a scan_hint that starts
 *       exactly where a new, larger contig hint starts, and pcpu_block_refresh_hint later promotes
 *       it; pcpu_block_update_hint_alloc zeroes an overlapped scan_hint without rescanning, and a
 *       later smaller run then becomes the scan_hint that the refresh promotes and scans past.
 *   <li>block right_free: exact or 0 (pcpu_block_refresh_hint zeroes it and skips a promoted
 *       scan_hint that ends at the block end).
 *   <li>block first_free: a lower bound (pcpu_block_update_hint_alloc leaves it in the blocks
 *       strictly inside a multi-block allocation).
 *   <li>block scan_hint, when non-zero: its bits are free, it is at most contig_hint and, unless
 *       equal to it, does not start after contig_hint_start (it may start at it, see above).
 *   <li>chunk contig_hint: its bits are free and it never exceeds the largest free run
 *       (pcpu_block_update_hint_free: "may be off by up to a page"; its chunk_md update takes a
 *       block-relative end, a no-op for frees inside block n &gt; 0). chunk first_free: a lower
 *       bound.
 * </ul>
 */
public final class PcpuVerifier {
  private PcpuVerifier() {}

  /** Blocks whose contig_hint equalled / under-estimated the largest free run (all verifications). */
  static long exactBlockHints;
  static long underBlockHints;

  /** One live area: chunk, byte offset and byte size. */
  public record Area(PcpuChunk chunk, int off, int size) {}

  /** Returns the problems found (empty = consistent). {@code live} may be null (skip map checks). */
  public static List<String> verify(PercpuAllocator pcpu, List<Area> live) {
    List<String> errs = new ArrayList<>();
    int globalEmpty = 0;
    long globalPopulated = 0;
    for (PcpuChunk c : pcpu.chunks()) {
      verifyChunk(pcpu, c, errs);
      if (c != pcpu.reservedChunk() && !c.isolated) {
        globalEmpty += c.nrEmptyPopPages;
      }
      if (!c.immutable) {
        globalPopulated += c.nrPopulated;
      }
    }
    if (globalEmpty != pcpu.nrEmptyPopPages()) {
      errs.add("pcpu_nr_empty_pop_pages " + pcpu.nrEmptyPopPages() + " != " + globalEmpty);
    }
    // pcpu_nr_populated: PFN_DOWN(static + reserved + dyn) at setup, then every dynamic chunk's
    PcpuAllocInfo ai = pcpu.allocInfo();
    long firstPages = (ai.staticSize + ai.reservedSize + ai.dynSize) >> pcpu.pageShift();
    if (firstPages + globalPopulated != pcpu.nrPopulated()) {
      errs.add("pcpu_nr_populated " + pcpu.nrPopulated() + " != " + (firstPages + globalPopulated));
    }
    if (live != null) {
      verifyLive(pcpu, live, errs);
    }
    return errs;
  }

  private static void verifyLive(PercpuAllocator pcpu, List<Area> live, List<String> errs) {
    java.util.IdentityHashMap<PcpuChunk, long[]> expected = new java.util.IdentityHashMap<>();
    for (PcpuChunk c : pcpu.chunks()) {
      long[] m = new long[c.allocMap.length];
      int hs = c.startOffset / 4;
      Bitmaps.set(m, 0, hs);
      int he = c.endOffset / 4;
      Bitmaps.set(m, c.mapBits() - he, he);
      expected.put(c, m);
    }
    for (Area a : live) {
      long[] m = expected.get(a.chunk());
      if (m == null) {
        errs.add("live area in dead chunk " + a);
        continue;
      }
      int s = a.off() / 4;
      int n = a.size() / 4;
      for (int b = s; b < s + n; b++) {
        if (Bitmaps.test(m, b)) {
          errs.add("overlap at " + a.chunk() + " bit " + b);
          break;
        }
      }
      Bitmaps.set(m, s, n);
      long[] bound = a.chunk().boundMap;
      if (!Bitmaps.test(bound, s) || !Bitmaps.test(bound, s + n)
          || Bitmaps.nextSet(bound, s + n, s + 1) != s + n) {
        errs.add("bound_map wrong for " + a.chunk() + " off " + a.off() + " size " + a.size());
      }
    }
    for (PcpuChunk c : pcpu.chunks()) {
      long[] m = expected.get(c);
      if (!java.util.Arrays.equals(m, c.allocMap)) {
        errs.add(c + ": alloc_map differs from the live set");
      }
    }
  }

  private static void verifyChunk(PercpuAllocator pcpu, PcpuChunk c, List<String> errs) {
    int bb = c.blockBits();
    long[] map = c.allocMap;
    int mapBits = c.mapBits();
    int used = Bitmaps.weight(map, mapBits);
    if (c.freeBytes != (mapBits - used) * 4) {
      errs.add(c + ": free_bytes " + c.freeBytes + " != " + (mapBits - used) * 4);
    }
    int empty = 0;
    for (int i = 0; i < c.nrBlocks(); i++) {
      PcpuBlockMd b = c.mdBlocks[i];
      int base = i * bb;
      int contig = 0;
      int left = Bitmaps.nextSetFrom(map, base, bb, 0);
      int right = bb - 1 - lastSetIn(map, base, bb);
      int firstFree = Bitmaps.nextClearFrom(map, base, bb, 0);
      for (int s = firstFree; s < bb; ) {
        int e = Bitmaps.nextSetFrom(map, base, bb, s);
        contig = Math.max(contig, e - s);
        s = Bitmaps.nextClearFrom(map, base, bb, e);
      }
      String where = c + " block " + i + " " + b;
      // Never over-estimated; under-estimates are kernel behaviour (see the class comment).
      if (b.contigHint > contig) {
        errs.add(where + ": contig_hint > largest free run " + contig);
      }
      if (b.contigHint == contig) {
        exactBlockHints++;
      } else {
        underBlockHints++;
      }
      if (b.leftFree != left) {
        errs.add(where + ": left_free != " + left);
      }
      // pcpu_block_refresh_hint zeroes right_free and, when it promotes a scan_hint that ends at
      // the block end, scans only past it: the kernel then keeps right_free = 0 (an under-estimate)
      // until a free touching that run recomputes it. Accept exactly that.
      if (b.rightFree != right && b.rightFree != 0) {
        errs.add(where + ": right_free != " + right);
      }
      if (b.firstFree > firstFree) {
        errs.add(where + ": first_free > first free bit " + firstFree);
      }
      if (b.contigHint > 0 && (b.contigHintStart + b.contigHint > bb
          || !isFree(map, base + b.contigHintStart, b.contigHint))) {
        errs.add(where + ": contig_hint covers allocated bits");
      }
      if (b.scanHint != 0) {
        if (!isFree(map, base + b.scanHintStart, b.scanHint) || b.scanHint > b.contigHint
            || (b.scanHint != b.contigHint && b.scanHintStart > b.contigHintStart)) {
          errs.add(where + ": bad scan_hint");
        }
      }
      if (contig == bb && c.isPagePopulated(i)) {
        empty++;
      }
    }
    if (empty != c.nrEmptyPopPages) {
      errs.add(c + ": nr_empty_pop_pages " + c.nrEmptyPopPages + " != " + empty);
    }
    int pop = Bitmaps.weight(c.populated, c.nrPages);
    if (pop != c.nrPopulated) {
      errs.add(c + ": nr_populated " + c.nrPopulated + " != " + pop);
    }
    int largest = 0;
    int firstFree = Bitmaps.nextClear(map, mapBits, 0);
    for (int s = firstFree; s < mapBits; ) {
      int e = Bitmaps.nextSet(map, mapBits, s);
      largest = Math.max(largest, e - s);
      s = Bitmaps.nextClear(map, mapBits, e);
    }
    PcpuBlockMd md = c.chunkMd;
    if (md.contigHint > largest || (md.contigHint > 0
        && !isFree(map, md.contigHintStart, md.contigHint))) {
      errs.add(c + ": chunk contig_hint " + md + " vs largest free run " + largest);
    }
    if (md.firstFree > firstFree) {
      errs.add(c + ": chunk first_free " + md.firstFree + " > " + firstFree);
    }
    if (c != pcpu.reservedChunk() && !c.isolated && c.listSlot >= 0
        && c.listSlot < pcpu.sidelinedSlot() && c.listSlot != c.slot() && c.listSlot != 0) {
      errs.add(c + ": on slot " + c.listSlot + " but pcpu_chunk_slot says " + c.slot());
    }
  }

  private static int lastSetIn(long[] map, int base, int size) {
    int l = Bitmaps.lastSetFrom(map, base, size);
    return l == size ? -1 : l;
  }

  private static boolean isFree(long[] map, int start, int n) {
    return Bitmaps.nextSet(map, start + n, start) >= start + n;
  }
}
