package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.Seeds;

/**
 * {@link LabelledRanges} answers as the sorted map it replaced (floor entry, then "inside its
 * size?") for seeded random disjoint ranges put, replaced and removed, kernel-half addresses
 * (negative as longs) included, and pointers asked again after the ranges changed (the lookup
 * cache must not answer for a removed or replaced range).
 */
class LabelledRangesTest {

  private static int floorGroup(TreeMap<Long, int[]> m, long ptr) {
    Map.Entry<Long, int[]> e = m.floorEntry(ptr);
    return e != null && ptr - e.getKey() < e.getValue()[0] ? e.getValue()[1] : 0;
  }

  @Test
  void answersAsTheFloorLookupOfASortedMap() {
    Seeds.run(40, (rnd, log) -> {
      long base = rnd.nextBoolean() ? 0xffff_8000_0000_0000L : 0x1000L;
      int slots = 64 + rnd.nextInt(256);
      // up to 16 KiB per slot: ranges across granules and longer than the cache's 1024 words
      int slotBytes = 8 << rnd.nextInt(12);
      LabelledRanges r = new LabelledRanges();
      TreeMap<Long, int[]> ref = new TreeMap<>();
      // slot k holds at most one range, inside [base + k * slotBytes, base + (k + 1) * slotBytes)
      long[] startOf = new long[slots];
      // pointers asked before, asked again after every change: a stale cached answer shows here
      long[] asked = new long[16];
      for (int step = 0; step < 3000; step++) {
        int k = rnd.nextInt(slots);
        if (startOf[k] == 0 || rnd.nextInt(4) == 0) {
          if (startOf[k] != 0) {
            r.remove(startOf[k]);
            ref.remove(startOf[k]);
          }
          int off = 4 * rnd.nextInt(slotBytes / 4);
          int size = 1 + rnd.nextInt(slotBytes - off);
          int group = 1 + rnd.nextInt(9);
          long start = base + (long) k * slotBytes + off;
          log.op("put 0x%x %d %d", start, size, group);
          r.put(start, size, group);
          ref.put(start, new int[] {size, group});
          startOf[k] = start;
        } else {
          log.op("remove 0x%x", startOf[k]);
          r.remove(startOf[k]);
          ref.remove(startOf[k]);
          startOf[k] = 0;
        }
        for (int q = 0; q < 8; q++) {
          long ptr = base - 64 + rnd.nextInt(slots * slotBytes + 128);
          assertThat(r.groupOf(ptr, 0)).as("ptr 0x%x", ptr).isEqualTo(floorGroup(ref, ptr));
          asked[(step * 8 + q) % asked.length] = ptr;
        }
        for (long ptr : asked) {
          assertThat(r.groupOf(ptr, 0)).as("again 0x%x", ptr).isEqualTo(floorGroup(ref, ptr));
        }
      }
      List<Long> all = new ArrayList<>(ref.keySet());
      for (long s : all) {
        r.remove(s);
        assertThat(r.groupOf(s, -1)).isEqualTo(-1);
      }
    });
  }
}
