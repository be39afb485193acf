package org.percpulab.bench.run;

import org.percpulab.core.boot.BootContext;

/** {@link org.percpulab.bench.workload.KernelModel} over mm-percpu (wired when it has the engine). */
final class PercpuKernelModel {
  private PercpuKernelModel() { }

  static KernelModelFactory factory(BootContext ctx) {
    throw new IllegalStateException("the simulator is not wired yet: mm-percpu's this_cpu engine"
        + " and vm chunk backend are not merged");
  }
}
