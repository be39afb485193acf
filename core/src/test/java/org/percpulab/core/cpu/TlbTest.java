package org.percpulab.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.testkit.Seeds;

class TlbTest {

  @Test
  void clockEvictsTheLeastRecentlyReferencedEntry() {
    Tlb t = new Tlb(4);
    for (long v = 0; v < 4; v++) {
      t.fill(v, v << 12, 7);
    }
    assertThat(t.size()).isEqualTo(4);
    // first eviction sweep clears every reference bit, then takes the first entry in slot order
    t.fill(10, 10 << 12, 7);
    assertThat(t.size()).isEqualTo(4);
    int present = 0;
    for (long v = 0; v < 4; v++) {
      present += t.contains(v) ? 1 : 0;
    }
    assertThat(present).isEqualTo(3);
    // entries referenced since the sweep survive the next eviction
    for (long v = 0; v < 4; v++) {
      if (t.contains(v)) {
        assertThat(t.lookup(v)).isEqualTo(v << 12);
      }
    }
    t.fill(11, 11 << 12, 7);
    assertThat(t.contains(11)).isTrue();
    assertThat(t.hits()).isEqualTo(3);
    assertThat(t.lookup(99)).isEqualTo(-1);
    assertThat(t.misses()).isEqualTo(1);
    assertThat(t.lastProt()).isEqualTo(7);
  }

  @Test
  void flushesDropExactlyTheirRange() {
    Tlb t = new Tlb(64);
    for (long v = 100; v < 140; v++) {
      t.fill(v, v << 12, 1);
    }
    assertThat(t.flushRange(110, 5)).isEqualTo(5);
    assertThat(t.flushRange(0, 1000)).as("large range walks the table").isEqualTo(35);
    assertThat(t.size()).isZero();
    t.fill(5, 5 << 12, 1);
    assertThat(t.flushVpn(5)).isTrue();
    assertThat(t.flushVpn(5)).isFalse();
    t.fill(6, 6 << 12, 1);
    assertThat(t.flushAll()).isEqualTo(1);
  }

  @Test
  void randomOpsAgreeWithAModelOfPresence() {
    Seeds.run(20, (rnd, log) -> {
      int cap = 1 + rnd.nextInt(40);
      Tlb t = new Tlb(cap);
      java.util.Map<Long, Long> model = new java.util.HashMap<>();
      for (int i = 0; i < 2000; i++) {
        long v = rnd.nextInt(100);
        int op = rnd.nextInt(4);
        if (op < 2) {
          log.op("fill %d", v);
          t.fill(v, v * 3, 0);
          model.put(v, v * 3);
          model.keySet().removeIf(k -> !t.contains(k));
        } else if (op == 2) {
          long r = t.lookup(v);
          assertThat(r).as("lookup %d", v).isEqualTo(model.containsKey(v) ? v * 3 : -1);
        } else {
          log.op("flush %d", v);
          t.flushVpn(v);
          model.remove(v);
        }
        assertThat(t.size()).isEqualTo(model.size()).isLessThanOrEqualTo(cap);
      }
    });
  }
}
