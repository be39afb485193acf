package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.bench.run.SysCostModel;
import picocli.CommandLine.Option;

/** Options shared by {@code run} and {@code suite}: workload parameters, seed, cost assumptions. */
public final class WorkloadOptions {

  @Option(names = "--param", paramLabel = "NAME=VALUE",
      description = "Set a workload parameter (repeatable), e.g. --param vmPages=1024.")
  List<String> params = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Seed of the event streams (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  /** MAX_NUMNODES with arm64's largest NODES_SHIFT (10). */
  static final int MAX_NODES = 1024;
  /** Upper bound of a {@code --param} value. */
  static final long MAX_PARAM = 1_000_000_000L;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "2",
      description = "NUMA nodes of the modelled machine, 1..1024 and at most one per CPU"
          + " (default: ${DEFAULT-VALUE}).")
  @Bounds(min = 1, max = MAX_NODES)
  int nodes = 2;

  @Option(names = "--sys-cost", paramLabel = "EVENT=CYCLES",
      description = "Override a rest-of-kernel cost assumption (repeatable), e.g. PAGE_FAULT=3000.")
  List<String> sysCosts = new ArrayList<>();

  /** Parameters as a map; {@code NAME=VALUE} with an integer VALUE (K/M/G suffixes allowed). */
  Map<String, Long> params() {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String p : params) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("option '--param': value '" + p + "' is not allowed;"
            + " allowed: NAME=VALUE (e.g. --param vmPages=1024)");
      }
      long v = number("--param " + p, p.substring(eq + 1).trim());
      if (v < 0 || v > MAX_PARAM) {
        throw new IllegalArgumentException("option '--param': value '" + p + "' is not allowed;"
            + " allowed: NAME=integer 0.." + MAX_PARAM);
      }
      m.put(p.substring(0, eq).trim(), v);
    }
    return m;
  }

  /** {@code --nodes} must not exceed the CPU count (a node without CPUs runs nothing here). */
  void checkNodes(int cpus) {
    if (nodes > cpus) {
      throw new org.percpulab.core.config.ConfigException("option '--nodes': value '" + nodes
          + "' is not allowed; allowed: integer 1.." + cpus + " (at most one node per CPU; cpus="
          + cpus + ")");
    }
  }

  SysCostModel sysCostModel() {
    return new SysCostModel().with(sysCosts);
  }

  static long number(String what, String s) {
    long mul = 1;
    String t = s.toUpperCase(java.util.Locale.ROOT);
    if (t.endsWith("K")) {
      mul = 1L << 10;
    } else if (t.endsWith("M")) {
      mul = 1L << 20;
    } else if (t.endsWith("G")) {
      mul = 1L << 30;
    }
    if (mul != 1) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      return Math.multiplyExact(Long.parseLong(t), mul);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("option '" + what.substring(0, what.indexOf(' '))
          + "': value '" + what.substring(what.indexOf(' ') + 1) + "' is not allowed; allowed:"
          + " NAME=integer (K/M/G suffixes allowed)");
    }
  }
}
