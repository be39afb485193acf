package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercpuStatsTest {
  @Test
  void formatAfterBootAndTwoAllocations() {
    PercpuAllocator pcpu = Arm64Specs.boot(4, 1, new UnmappedChunkBackend(Arm64Specs.VMALLOC_END));
    long a = pcpu.alloc(64, 8, false, false);
    pcpu.alloc(16, 4, false, false);
    pcpu.free(a);
    String text = PercpuStats.show(pcpu);
    assertThat(text).startsWith(""
        + "Percpu Memory Statistics\n"
        + "Allocation Info:\n"
        + "----------------------------------------\n"
        + "  unit_size           :       122880\n"
        + "  static_size         :        84248\n"
        + "  reserved_size       :         8192\n"
        + "  dyn_size            :        30440\n"
        + "  atom_size           :         4096\n"
        + "  alloc_size          :       122880\n"
        + "\n"
        + "Global Stats:\n"
        + "----------------------------------------\n"
        + "  nr_alloc            :            2\n"
        + "  nr_dealloc          :            1\n"
        + "  nr_cur_alloc        :            1\n"
        + "  nr_max_alloc        :            2\n"
        + "  nr_chunks           :            1\n"
        + "  nr_max_chunks       :            1\n"
        + "  min_alloc_size      :           16\n"
        + "  max_alloc_size      :           64\n"
        + "  empty_pop_pages     :            7\n"
        + "\n"
        + "Per Chunk Stats:\n"
        + "----------------------------------------\n"
        + "Chunk: <- Reserved Chunk\n"
        + "  nr_alloc            :            0\n"
        + "  max_alloc_size      :            0\n"
        + "  empty_pop_pages     :            1\n"
        + "  first_bit           :          582\n"
        + "  free_bytes          :         8192\n"
        + "  contig_bytes        :         8192\n"
        + "  sum_frag            :            0\n"
        + "  max_frag            :            0\n"
        + "  cur_min_alloc       :            0\n"
        + "  cur_med_alloc       :            0\n"
        + "  cur_max_alloc       :            0\n"
        + "\n"
        + "Chunk: <- First Chunk\n"
        + "  nr_alloc            :            1\n"
        + "  max_alloc_size      :           64\n");
    // first chunk: the 16-byte area follows the freed 64-byte hole
    assertThat(text).contains("  sum_frag            :           64\n"
        + "  max_frag            :           64\n"
        + "  cur_min_alloc       :           16\n"
        + "  cur_med_alloc       :           16\n"
        + "  cur_max_alloc       :           16\n");
  }
}
