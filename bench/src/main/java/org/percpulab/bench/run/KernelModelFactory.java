package org.percpulab.bench.run;

import java.util.Optional;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.core.spi.OpMode;

/** Boots one fresh simulated machine per run and mode. */
public interface KernelModelFactory {

  /** Backend id. */
  String arch();

  /** CPU count of the machines it boots. */
  int cpus();

  /** Empty when the local map can run on this backend and machine, else the reason. */
  Optional<String> localMapUnavailable();

  /** A freshly booted machine in {@code mode}. */
  KernelModel boot(OpMode mode);
}
