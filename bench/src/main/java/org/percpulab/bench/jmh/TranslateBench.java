package org.percpulab.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.spi.ProtKind;

/**
 * Cost of one simulated address translation on a booted machine (core's Cpu/Tlb/engine):
 * {@code tlbHit} translates a VA whose page is in the CPU's TLB (8 pages cycled, all resident);
 * {@code tlbMissWalk} cycles over 4096 pages mapped at page granularity with a 64-entry LRU TLB, so
 * every translation misses and does a full walk (4 levels on arm64 4K/48) plus a fill;
 * {@code softwareWalk} is the engine's walk alone. Goal: hit &lt;= 20 ns, 4-level miss &lt;= 100 ns.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TranslateBench {
  private static final int MISS_PAGES = 4096;

  @Param({"arm64", "s390", "generic"})
  public String arch;

  private Machine machine;
  private Cpu cpu;
  private long base;
  private long pageSize;
  private long pgd;
  private int hitIdx;
  private int missIdx;
  private long sink;

  @Setup(Level.Trial)
  public void setup() {
    machine = BenchMachines.boot("arch=" + arch, "cpus=4", "tlb.entries=64");
    cpu = machine.cpu(0);
    pageSize = machine.geometry().pageSize();
    long start = machine.layout().vmallocStart();
    if (machine.kernelImage() != null && machine.kernelImage().contains(start)) {
      start = machine.kernelImage().end();
    }
    long align = 1L << 30;
    base = (start + align - 1) & -align;
    long[] pfns = new long[MISS_PAGES];
    for (int i = 0; i < MISS_PAGES; i++) {
      pfns[i] = machine.allocator().allocPage(PagePurpose.vmalloc());
    }
    int r = machine.kpt().mapSharedPages(base, pfns, 0, MISS_PAGES,
        machine.model().descriptors().prot(ProtKind.KERNEL));
    if (r < 0) {
      throw new IllegalStateException("mapping bench pages failed: " + r);
    }
    pgd = machine.kpt().pgdOf(0);
  }

  @Benchmark
  public long tlbHit() {
    int i = (hitIdx + 1) & 7;
    hitIdx = i;
    return cpu.translate(base + i * pageSize + 8);
  }

  @Benchmark
  public long tlbMissWalk() {
    int i = (missIdx + 1) & (MISS_PAGES - 1);
    missIdx = i;
    return cpu.translate(base + i * pageSize + 8);
  }

  @Benchmark
  public long softwareWalk() {
    int i = (missIdx + 1) & (MISS_PAGES - 1);
    missIdx = i;
    return machine.engine().translate(pgd, base + i * pageSize + 8);
  }
}
