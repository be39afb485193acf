package org.percpulab.bench.jmh;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.percpulab.core.machine.Machine;
import org.percpulab.mm.percpu.PercpuSystem;

/**
 * Java heap one booted CPU costs (its {@code Cpu}, TLB, private tables and its share of the
 * percpu first chunk): boots arm64 with the local map at a small and a large CPU count, keeps the
 * machines reachable, and divides the difference of the live heap after a full GC by the
 * difference of CPUs. Run: {@code java -cp bench/target/percpu-lab.jar
 * org.percpulab.bench.jmh.BootHeapPerCpu [small large]} (default 64 4096).
 */
public final class BootHeapPerCpu {
  private BootHeapPerCpu() { }

  public static void main(String[] args) throws InterruptedException {
    int small = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int large = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
    long h0 = liveHeap();
    Object a = boot(small);
    long h1 = liveHeap();
    Object b = boot(large);
    long h2 = liveHeap();
    System.out.printf(Locale.ROOT, "arm64 local map: %d CPUs %.1f MiB, %d CPUs %.1f MiB of live"
        + " heap; %.1f KiB per CPU (TLBs empty after boot)%n", small, (h1 - h0) / 1048576.0,
        large, (h2 - h1) / 1048576.0, ((h2 - h1) - (h1 - h0)) / 1024.0 / (large - small));
    java.lang.ref.Reference.reachabilityFence(a);
    java.lang.ref.Reference.reachabilityFence(b);
  }

  private static Object boot(int cpus) {
    Machine m = BenchMachines.boot("arch=arm64", "cpus=" + cpus,
        "kernel.nrCpus=" + Math.max(cpus, 512), "percpu.localMap=on");
    return PercpuSystem.boot(m);
  }

  private static long liveHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
