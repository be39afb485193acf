package org.percpulab.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.Seeds;

/**
 * {@link Tlb} stores its slot table in lazily allocated chunks; the behaviour must be exactly that
 * of the flat table ({@link FlatTlbReference}): same lookups, hits, misses, sizes, evictions and
 * flush counts for the same seeded random operation sequence.
 */
class TlbChunkedStorageTest {

  @Test
  void chunkedStorageBehavesExactlyLikeTheFlatTable() {
    Seeds.run(40, (rnd, log) -> {
      int cap = 1 + rnd.nextInt(rnd.nextBoolean() ? 40 : 1500);
      Tlb t = new Tlb(cap);
      FlatTlbReference f = new FlatTlbReference(cap);
      long span = 8L + rnd.nextInt(4 * cap + 8);
      for (int step = 0; step < 4000; step++) {
        long v = 1000 + rnd.nextInt((int) span);
        int op = rnd.nextInt(100);
        if (op < 45) {
          log.op("lookup %d", v);
          long a = t.lookup(v);
          assertThat(a).isEqualTo(f.lookup(v));
          if (a < 0) {
            t.fill(v, v << 12, v & 7);
            f.fill(v, v << 12, v & 7);
          }
        } else if (op < 75) {
          log.op("fill %d", v);
          t.fill(v, v << 16, 3);
          f.fill(v, v << 16, 3);
        } else if (op < 85) {
          log.op("flushVpn %d", v);
          assertThat(t.flushVpn(v)).isEqualTo(f.flushVpn(v));
        } else if (op < 97) {
          long count = 1 + rnd.nextInt((int) span);
          log.op("flushRange %d %d", v, count);
          assertThat(t.flushRange(v, count)).isEqualTo(f.flushRange(v, count));
        } else {
          log.op("flushAll");
          assertThat(t.flushAll()).isEqualTo(f.flushAll());
        }
        assertThat(t.size()).isEqualTo(f.size());
        assertThat(t.hits()).isEqualTo(f.hits());
        assertThat(t.misses()).isEqualTo(f.misses());
        assertThat(t.lastProt()).isEqualTo(f.lastProt());
      }
      for (long v = 1000; v < 1000 + span; v++) {
        assertThat(t.contains(v)).as("vpn %d", v).isEqualTo(f.contains(v));
      }
    });
  }

  @Test
  void anUnusedTlbAllocatesNoSlotStorage() {
    Tlb t = new Tlb(1280);
    assertThat(t.allocatedChunks()).isZero();
    assertThat(t.lookup(42)).isEqualTo(-1);
    assertThat(t.flushRange(0, 1 << 20)).isZero();
    assertThat(t.allocatedChunks()).isZero();
    t.fill(42, 42 << 12, 1);
    assertThat(t.allocatedChunks()).isEqualTo(1);
  }
}
