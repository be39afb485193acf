package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VaTree#insert} (descend + split) builds exactly the treap the rotate-up insertion builds:
 * same root, same links, same augmented sizes, after random inserts and removals (distinct starts,
 * as in the kernel's trees).
 */
class VaTreeInsertTest {

  @Test
  void splitInsertBuildsTheSameTreapAsRotation() {
    for (long seed : new long[] {1, 2, 3, 42, 4242}) {
      for (boolean augmented : new boolean[] {true, false}) {
        Random rnd = new Random(seed);
        VaTree a = new VaTree(augmented);
        VaTree b = new VaTree(augmented);
        List<Integer> live = new ArrayList<>();
        Set<Long> starts = new HashSet<>();
        for (int step = 0; step < 3000; step++) {
          if (!live.isEmpty() && rnd.nextInt(3) == 0) {
            int n = live.remove(rnd.nextInt(live.size()));
            starts.remove(a.start(n));
            a.remove(n);
            b.remove(n);
          } else {
            long s = rnd.nextInt(100_000) * 4096L;
            if (!starts.add(s)) {
              continue;
            }
            long e = s + (1 + rnd.nextInt(16)) * 4096L;
            int na = a.newNode(s, e, null);
            int nb = b.newNode(s, e, null);
            assertThat(nb).as("seed %d node ids", seed).isEqualTo(na);
            a.insert(na);
            b.insertByRotation(nb);
            live.add(na);
          }
          assertThat(a.root()).as("seed %d step %d root", seed, step).isEqualTo(b.root());
        }
        assertThat(a.size()).as("seed %d size", seed).isEqualTo(b.size()).isEqualTo(live.size());
        int[] order = a.inOrder();
        assertThat(order).as("seed %d in-order", seed).containsExactly(b.inOrder());
        for (int n : order) {
          assertThat(a.left(n)).as("seed %d left of %d", seed, n).isEqualTo(b.left(n));
          assertThat(a.right(n)).as("seed %d right of %d", seed, n).isEqualTo(b.right(n));
          assertThat(a.subMax(n)).as("seed %d subMax of %d", seed, n).isEqualTo(b.subMax(n));
        }
        assertThat(a.augmentConsistent()).as("seed %d augment", seed).isTrue();
      }
    }
  }
}
