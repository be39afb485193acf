package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * pcpu_balance_workfn's watermarks (mm/percpu.c): an allocation that leaves fewer than
 * PCPU_EMPTY_POP_PAGES_LOW (2) empty populated pages schedules the balance work; a failed atomic
 * allocation makes pcpu_balance_populated fill PCPU_EMPTY_POP_PAGES_HIGH (4) pages, creating a
 * chunk when no chunk has unpopulated room ("retry_pop"). Embed first chunk, 4 CPUs: its dynamic
 * area d30440 starts at 0x16ba0 in the unit, so it spans unit pages 22..29 (8 pages, all populated).
 */
class PcpuBalanceTest {

  @Test
  void atomicFailureRefillsToTheHighWatermark() {
    UnmappedChunkBackend backend = new UnmappedChunkBackend(Arm64Specs.VMALLOC_END);
    PercpuAllocator pcpu = Arm64Specs.boot(4, 1, backend);
    // 8 pages, but pcpu_alloc_first_chunk hides the 0xba0 bytes before the area through
    // pcpu_block_update_hint_alloc, so the first page no longer counts as empty
    assertThat(pcpu.firstChunk().nrPages).isEqualTo(8);
    assertThat(pcpu.nrEmptyPopPages()).as("first chunk's empty populated pages at boot")
        .isEqualTo(7);
    assertThat(pcpu.balancePending()).isFalse();
    // each 4 KiB atomic allocation takes a page of the first chunk's dynamic area
    int n = 0;
    while (pcpu.alloc(4096, 4096, false, true) != 0) {
      n++;
      if (pcpu.nrEmptyPopPages() < PercpuConstants.PCPU_EMPTY_POP_PAGES_LOW) {
        assertThat(pcpu.balancePending()).as("below LOW after %d allocations", n).isTrue();
      }
    }
    assertThat(pcpu.lastFailure()).isEqualTo(
        "percpu: allocation failed, size=4096 align=4096 atomic=1, atomic alloc failed, no space "
            + "left");
    assertThat(pcpu.balancePending()).isTrue();
    assertThat(pcpu.chunksCreated()).isZero();
    int empty = pcpu.nrEmptyPopPages();
    pcpu.runBalanceWork();
    // no chunk had unpopulated room: one chunk created, HIGH pages populated in it
    assertThat(pcpu.chunksCreated()).isEqualTo(1);
    assertThat(pcpu.nrEmptyPopPages() - empty)
        .isEqualTo(PercpuConstants.PCPU_EMPTY_POP_PAGES_HIGH);
    PcpuChunk created = pcpu.chunks().get(pcpu.chunks().size() - 1);
    assertThat(created.nrPopulated).isEqualTo(PercpuConstants.PCPU_EMPTY_POP_PAGES_HIGH);
    assertThat(backend.pagesInUse()).isEqualTo(4L * PercpuConstants.PCPU_EMPTY_POP_PAGES_HIGH);
    // the atomic allocation now succeeds without populating anything
    assertThat(pcpu.alloc(4096, 4096, false, true)).isNotZero();
    assertThat(backend.pagesInUse()).isEqualTo(4L * PercpuConstants.PCPU_EMPTY_POP_PAGES_HIGH);
    assertThat(PcpuVerifier.verify(pcpu, null)).isEmpty();
  }
}
