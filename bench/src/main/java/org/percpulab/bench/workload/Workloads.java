package org.percpulab.bench.workload;

import java.util.List;
import java.util.Map;

/** The suite's workloads by name. */
public final class Workloads {
  /** Names in suite order. */
  public static final List<String> NAMES =
      List.of("kernel-build", "stress-vm", "mmapfork", "fork", "memcg-create");

  private Workloads() { }

  /**
   * Creates workload {@code name} for a machine of {@code cpus} CPUs with parameter overrides.
   *
   * @throws IllegalArgumentException for an unknown name or parameter, naming what is allowed
   */
  public static Workload create(String name, int cpus, Map<String, Long> overrides) {
    switch (name) {
      case "kernel-build":
        return new KernelBuildWorkload(cpus, overrides);
      case "stress-vm":
        return new StressVmWorkload(cpus, overrides);
      case "mmapfork":
        return new MmapForkWorkload(cpus, overrides);
      case "fork":
        return new ForkWorkload(cpus, overrides);
      case "memcg-create":
        return new MemcgCreateWorkload(cpus, overrides);
      default:
        throw new IllegalArgumentException("workload '" + name + "' unknown; allowed: "
            + String.join(", ", NAMES));
    }
  }

  /**
   * The parameter {@code --live N} sets: memcg-create's {@code live} (memcgs alive at once); for
   * the process workloads the processes alive at once ({@code workers}, kernel-build's
   * {@code jobs}).
   */
  public static String liveParam(String name) {
    switch (name) {
      case "memcg-create":
        return "live";
      case "kernel-build":
        return "jobs";
      default:
        countParam(name);
        return "workers";
    }
  }

  /** The parameter {@code --count N} sets for each workload. */
  public static String countParam(String name) {
    switch (name) {
      case "kernel-build":
        return "processes";
      case "stress-vm":
        return "cycles";
      case "mmapfork":
        return "ops";
      case "fork":
        return "forks";
      case "memcg-create":
        return "memcgs";
      default:
        throw new IllegalArgumentException("workload '" + name + "' unknown; allowed: "
            + String.join(", ", NAMES));
    }
  }
}
