package org.percpulab.bench.run;

import java.util.Optional;
import org.percpulab.bench.workload.FakeKernelModel;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.core.spi.OpMode;

/** Boots {@link FakeKernelModel}s: 10 cycles per op in baseline, 4 with the local map. */
public final class FakeFactory implements KernelModelFactory {
  private final String arch;
  private final int cpus;
  private final boolean localMap;

  public FakeFactory(String arch, int cpus, boolean localMap) {
    this.arch = arch;
    this.cpus = cpus;
    this.localMap = localMap;
  }

  @Override
  public String arch() {
    return arch;
  }

  @Override
  public int cpus() {
    return cpus;
  }

  @Override
  public Optional<String> localMapUnavailable() {
    return localMap ? Optional.empty() : Optional.of("backend does not select"
        + " HAVE_LOCAL_PER_CPU_MAP");
  }

  @Override
  public KernelModel boot(OpMode mode) {
    return new FakeKernelModel(cpus, mode == OpMode.BASELINE ? 10 : 4);
  }
}
