package org.percpulab.core.spi;

/**
 * How many translation roots the architecture loads for the kernel and user halves of the address
 * space: what a per-CPU kernel page table (the local map) costs per process.
 */
public enum TranslationRoots {
  /**
   * Separate user and kernel roots (arm64 TTBR0_EL1/TTBR1_EL1, s390 primary/home ASCEs): the
   * kernel root is per CPU and independent of the mm, so a per-CPU kernel table costs nothing per
   * process and switch_mm loads only the user root.
   */
  SPLIT,
  /**
   * One root covering both halves (x86 CR3, RISC-V satp): the top-level table of every mm also
   * holds the kernel's entries. A per-CPU kernel top level then needs either a per-(mm, CPU) copy
   * of each mm's top-level table (a page per mm per CPU it runs on, its kernel half copied at
   * creation) or the CPU's local entry rewritten in the mm's table at every switch_mm — which
   * fails as soon as two threads of one mm run on two CPUs at once.
   */
  SINGLE
}
