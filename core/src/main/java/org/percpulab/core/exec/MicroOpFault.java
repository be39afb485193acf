package org.percpulab.core.exec;

/**
 * A this_cpu op touched an unmapped address: the kernel would oops (a translation fault in kernel
 * mode). Carries the CPU and the virtual address.
 */
public final class MicroOpFault extends RuntimeException {
  private final int cpu;
  private final long va;

  public MicroOpFault(int cpu, long va, String mnemonic) {
    super("CPU " + cpu + ": translation fault at 0x" + Long.toHexString(va) + " in '" + mnemonic
        + "'");
    this.cpu = cpu;
    this.va = va;
  }

  public int cpu() { return cpu; }

  public long va() { return va; }
}
