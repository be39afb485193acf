package org.percpulab.core.spi;

/**
 * TLB parameters.
 *
 * @param entries capacity per TLB (LRU replacement)
 * @param sharedBySmt whether SMT siblings share one TLB (config {@code tlb.shared=smt})
 */
public record TlbSpec(int entries, boolean sharedBySmt) { }
