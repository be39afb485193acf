package org.percpulab.bench.run;

import org.percpulab.core.boot.BootContext;

/**
 * The {@link KernelModelFactory} of the real simulator: core's Machine with mm-vmalloc and
 * mm-percpu on top (see {@link PercpuKernelModel}).
 */
public final class SimulatedMachines {
  private SimulatedMachines() { }

  /** A factory booting machines for the validated config of {@code ctx}. */
  public static KernelModelFactory factory(BootContext ctx) {
    return PercpuKernelModel.factory(ctx);
  }
}
