package org.percpulab.bench.report;

import java.util.List;

/** What the suite's figures take from the kernel and what is modelled (report and JSON). */
final class Provenance {
  private Provenance() { }

  static final List<String> FROM_KERNEL = List.of(
      "percpu allocator algorithm, constants, chunk/unit layout, first chunk (mm/percpu.c,"
          + " mm/percpu-vm.c; mm-percpu)",
      "vmalloc placement of chunks (pcpu_get_vm_areas) and lazy purge (mm/vmalloc.c; mm-vmalloc)",
      "page-table geometry, descriptor formats, kernel VA layout per arch (arch backends)",
      "this_cpu op instruction sequences per arch and mode (arch/*/include/asm/percpu.h)",
      "sizes and alignments of the percpu objects the workloads allocate (struct definitions of"
          + " v6.17-rc3 for a typical arm64 distro config; see PercpuObject)",
      "which this_cpu ops each kernel path runs, their form and size, and the value-dependent"
          + " branches (memcg_rstat_updated batching, percpu_counter batch, vmstat thresholds,"
          + " thread-stack cache; see ModelledKernel)");

  static final List<String> MODELLED = List.of(
      "cycles per micro-op class (each backend's cost table; see its sources)",
      "rest-of-kernel cycles per event for sysChangePercent (sysCostAssumptions)",
      "workload shapes: process counts, faults per process, migration rates, NUMA nodes = 2,"
          + " scaled counts (see each run's scaling)",
      "static percpu variables are allocated from the first chunk at boot",
      "one __per_cpu_local_off for every chunk (mirror layout): a chunk's local range is its base"
          + " address plus the local area's size, so with the local map a backend boots the page"
          + " first chunk right below the local area (LocalPerCpuMap contract) while the baseline"
          + " keeps the backend's default first chunk; the series' own construction is not public"
          + " (README, Known modelling limits); each backend's own lines follow",
      "locks, page zeroing, user page tables, slab and RCU are not simulated");
}
