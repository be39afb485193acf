package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercpuBadInputTest {
  private static long[] snapshot(PercpuAllocator pcpu) {
    PcpuChunk c = pcpu.firstChunk();
    long[] s = new long[c.allocMap.length + 3];
    System.arraycopy(c.allocMap, 0, s, 0, c.allocMap.length);
    s[c.allocMap.length] = c.freeBytes;
    s[c.allocMap.length + 1] = pcpu.nrEmptyPopPages();
    s[c.allocMap.length + 2] = pcpu.statNrCurAlloc();
    return s;
  }

  @Test
  void illegalSizeOrAlignIsOneLineErrorAndChangesNothing() {
    PercpuAllocator pcpu = Arm64Specs.boot(4, 1, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    long[] before = snapshot(pcpu);
    assertThatThrownBy(() -> pcpu.alloc(0, 4, false, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("percpu: illegal size (0) or align (4) for percpu allocation: size must be "
            + "1..32768, align a power of two <= 4096");
    assertThatThrownBy(() -> pcpu.alloc(32769, 4, false, false))
        .hasMessageStartingWith("percpu: illegal size (32769)");
    assertThatThrownBy(() -> pcpu.alloc(8, 24, false, false))
        .hasMessageContaining("align (24)");
    assertThatThrownBy(() -> pcpu.alloc(8, 8192, false, false))
        .hasMessageContaining("align (8192)");
    // size_t in the kernel: a negative align is a huge one, and a size near the top must not wrap
    // to a small area when rounded up to 4 bytes
    assertThatThrownBy(() -> pcpu.alloc(8, -8, false, false))
        .hasMessageContaining("align (-8)");
    assertThatThrownBy(() -> pcpu.alloc(Long.MAX_VALUE - 1, 4, false, false))
        .hasMessageStartingWith("percpu: illegal size (9223372036854775806)");
    assertThatThrownBy(() -> pcpu.alloc(-4, 4, false, false))
        .hasMessageStartingWith("percpu: illegal size (-4)");
    assertThat(snapshot(pcpu)).isEqualTo(before);
    // align below PCPU_MIN_ALLOC_SIZE (0, 1, 2, even 3) is raised to 4 before the power-of-two check
    long p3 = pcpu.alloc(8, 3, false, false);
    assertThat(p3 & 3).isZero();
    pcpu.free(p3);
    assertThat(pcpu.alloc(32768, 4096, false, false)).isNotZero();
  }

  @Test
  void badFreesAreRejectedWithNothingChanged() {
    PercpuAllocator pcpu = Arm64Specs.boot(4, 1, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    long p = pcpu.alloc(64, 8, false, false);
    long q = pcpu.alloc(64, 8, false, false);
    pcpu.free(q);
    long[] before = snapshot(pcpu);
    assertThatThrownBy(() -> pcpu.free(q))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("percpu: free_percpu(0x" + Long.toHexString(q)
            + "): not the start of a live percpu allocation (never allocated or already freed)");
    assertThatThrownBy(() -> pcpu.free(p + 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pcpu.free(0x1234L)).isInstanceOf(IllegalArgumentException.class);
    // the hidden start of the first chunk is not an allocation
    long hidden = pcpu.addrToPtr(pcpu.firstChunk().baseAddr);
    assertThatThrownBy(() -> pcpu.free(hidden)).isInstanceOf(IllegalArgumentException.class);
    assertThat(snapshot(pcpu)).isEqualTo(before);
    pcpu.free(0);
    pcpu.free(p);
    assertThat(pcpu.statNrCurAlloc()).isZero();
  }

  /**
   * Fails each page allocation of a chunk-creating allocation in turn: NULL, no page leaked,
   * invariants intact, and the same allocation succeeds afterwards.
   */
  @Test
  void everyPageAllocationFailureYieldsNullAndNoLeak() {
    int cpus = 4;
    for (int n = 1; n <= cpus * 8; n++) {
      UnmappedChunkBackend backend = new UnmappedChunkBackend(Arm64Specs.VMALLOC_END);
      PercpuAllocator pcpu = Arm64Specs.boot(cpus, 1, backend);
      List<PcpuVerifier.Area> live = new ArrayList<>();
      // fill the first chunk so the next allocation needs a new chunk
      long ptr;
      while ((ptr = pcpu.alloc(4096, 4096, false, true)) != 0) {
        long a = pcpu.ptrToAddr(ptr);
        PcpuChunk c = pcpu.chunkAddrSearch(a);
        live.add(new PcpuVerifier.Area(c, (int) (a - c.baseAddr), 4096));
      }
      long pages = backend.pagesInUse();
      backend.failNthPageAlloc(n);
      long p = pcpu.alloc(32768, 4096, false, false);
      assertThat(p).as("fail #%d", n).isZero();
      assertThat(pcpu.lastFailure()).as("fail #%d", n)
          .isEqualTo("percpu: allocation failed, size=32768 align=4096 atomic=0, failed to populate");
      assertThat(backend.pagesInUse()).as("fail #%d", n).isEqualTo(pages
          + (long) cpus * populatedDynamicPages(pcpu));
      assertThat(PcpuVerifier.verify(pcpu, live)).as("fail #%d", n).isEmpty();
      assertThat(pcpu.alloc(32768, 4096, false, false)).as("fail #%d", n).isNotZero();
    }
  }

  @Test
  void chunkCreationFailureYieldsNull() {
    UnmappedChunkBackend backend = new UnmappedChunkBackend(Arm64Specs.VMALLOC_END);
    PercpuAllocator pcpu = Arm64Specs.boot(4, 1, backend);
    while (pcpu.alloc(4096, 4096, false, true) != 0) {
      // fill the first chunk
    }
    backend.failNthAreaAlloc(1);
    assertThat(pcpu.alloc(4096, 4096, false, false)).isZero();
    assertThat(pcpu.lastFailure()).isEqualTo(
        "percpu: allocation failed, size=4096 align=4096 atomic=0, failed to allocate new chunk");
    assertThat(pcpu.chunks()).hasSize(2);
    assertThat(pcpu.alloc(4096, 4096, false, false)).isNotZero();
    assertThat(pcpu.chunksCreated()).isEqualTo(1);
  }

  private static long populatedDynamicPages(PercpuAllocator pcpu) {
    long n = 0;
    for (PcpuChunk c : pcpu.chunks()) {
      if (!c.immutable) {
        n += c.nrPopulated;
      }
    }
    return n;
  }
}
