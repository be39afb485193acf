package org.percpulab.core.spi;

/**
 * CPU topology of the simulated machine.
 *
 * @param cpus number of possible CPUs (1..4096)
 * @param threadsPerCore SMT width (1 = no SMT)
 * @param tlbSharedBySmt whether SMT siblings share a TLB
 */
public record MachineTopology(int cpus, int threadsPerCore, boolean tlbSharedBySmt) {
  public int core(int cpu) { return cpu / threadsPerCore; }
}
