package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.Seeds;

/**
 * The busy tree against a TreeMap: seeded inserts and removes of non-overlapping ranges (enough to
 * split leaves, empty them and drop the first one), with exact, containment and in-order queries
 * checked after every step.
 */
class BusyVaTreeTest {

  @Test
  void answersAsAnOrderedMap() {
    Seeds.run(12, (rnd, log) -> {
      BusyVaTree t = new BusyVaTree();
      TreeMap<Long, long[]> ref = new TreeMap<>();
      List<Long> live = new ArrayList<>();
      int steps = 3000 + rnd.nextInt(3000);
      for (int op = 0; op < steps; op++) {
        // grow first, then shrink to empty, so leaves split, drain and get dropped
        boolean grow = op < steps / 2 ? rnd.nextInt(100) < 70 : rnd.nextInt(100) < 25;
        if (grow || live.isEmpty()) {
          long slot = rnd.nextInt(1 << 14);
          long start = slot * 64;
          if (ref.containsKey(start)) {
            continue;
          }
          long end = start + 1 + rnd.nextInt(63);
          log.op("insert [%d, %d)", start, end);
          t.insert(start, end, "o" + start);
          ref.put(start, new long[] {end});
          live.add(start);
        } else {
          long start = live.remove(rnd.nextInt(live.size()));
          log.op("remove %d", start);
          assertThat(t.remove(start)).isTrue();
          assertThat(t.lastEnd()).isEqualTo(ref.remove(start)[0]);
          assertThat(t.lastOwner()).isEqualTo("o" + start);
        }
        long probe = rnd.nextInt(1 << 20);
        Map.Entry<Long, long[]> fl = ref.floorEntry(probe);
        Object inside = fl != null && probe < fl.getValue()[0] ? "o" + fl.getKey() : null;
        assertThat(t.ownerContaining(probe)).as("containing %d", probe).isEqualTo(inside);
        assertThat(t.ownerAt(probe)).isEqualTo(ref.containsKey(probe) ? "o" + probe : null);
        assertThat(t.remove(probe | 1)).as("no range starts at an odd address").isFalse();
        assertThat(t.check()).isNull();
        assertThat(t.size()).isEqualTo(ref.size());
      }
      int n = t.size();
      long[] s = new long[n];
      long[] e = new long[n];
      Object[] o = new Object[n];
      t.inOrder(s, e, o);
      int i = 0;
      for (Map.Entry<Long, long[]> r : ref.entrySet()) {
        assertThat(s[i]).isEqualTo(r.getKey());
        assertThat(e[i]).isEqualTo(r.getValue()[0]);
        assertThat(o[i]).isEqualTo("o" + r.getKey());
        i++;
      }
    });
  }
}
