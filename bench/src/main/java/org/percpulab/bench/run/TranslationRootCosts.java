package org.percpulab.bench.run;

import org.percpulab.bench.workload.KernelModel;
import org.percpulab.bench.workload.TranslationRootCost;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.Geometry;

/**
 * Builds the {@link TranslationRootCost} of a booted machine: its backend's root model, whether
 * the local map is active, the kernel half of its top-level table and its load/store costs.
 */
final class TranslationRootCosts {
  private TranslationRootCosts() {
  }

  static TranslationRootCost of(KernelModel km) {
    if (!(km instanceof PercpuKernelModel)) {
      return TranslationRootCost.none(km.cpus());
    }
    Machine m = ((PercpuKernelModel) km).machine();
    Geometry g = m.model().geometry();
    int topEntries = (int) (g.tableBytes(0) / 8);
    return new TranslationRootCost(m.cpus().count(), m.model().translationRoots(),
        m.localMapActive(), topEntries / 2, Math.max(g.tableBytes(0), g.pageSize()),
        m.model().costs().cycles(CostClass.LOAD), m.model().costs().cycles(CostClass.STORE));
  }
}
