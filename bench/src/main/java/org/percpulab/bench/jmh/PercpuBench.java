package org.percpulab.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.BootContext;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.mm.percpu.PcpuFirstChunk;
import org.percpulab.mm.percpu.PercpuAllocator;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.ThisCpuEngine;
import org.percpulab.mm.percpu.UnmappedChunkBackend;

/**
 * mm-percpu micro-benchmarks: (1) pcpu_alloc + free_percpu pairs of 8..64 bytes served by the first
 * chunk (no chunk creation, no population), on the bitmap allocator alone and on a booted machine,
 * (2) a simulated {@code this_cpu_add_8} on a warm TLB next to (3) a raw {@code long[]} increment,
 * (4) {@code this_cpu_read_8}, and (5) {@code this_cpu_add_8} with LSE atomics and with LL/SC
 * loops ({@code arm64.atomics}). Run:
 * {@code java -cp bench/target/percpu-lab.jar org.openjdk.jmh.Main PercpuBench -f 1 -wi 3 -i 5}.
 */
public class PercpuBench {

  /** The bitmap allocator alone, on the arm64 4-CPU first chunk (kernel-facts §8 sizes). */
  @State(Scope.Thread)
  public static class AllocState {
    PercpuAllocator pcpu;
    int i;

    @Setup(Level.Trial)
    public void setup() {
      pcpu = new PercpuAllocator(4096, new UnmappedChunkBackend(0xfffffdffbfff0000L));
      PerCpuAreaSpec spec = new PerCpuAreaSpec(84248, 8192, 28672, 4096,
          PerCpuAreaSpec.FirstChunk.EMBED, new int[4], new int[][] {{10}}, 0xffff800081a20000L,
          false);
      PcpuFirstChunk.embed(pcpu, spec, false, (g, node, bytes, align) -> 0xffff000001000000L);
      // some live objects so the hints have something to skip
      for (int k = 0; k < 64; k++) {
        pcpu.alloc(8 + (k % 8) * 8, 8, false, false);
      }
    }
  }

  /**
   * A booted arm64 4-CPU machine (default config: the local map is on): pcpu_alloc through the
   * real chunk backend, which clears the area in every CPU's unit (percpu memory is always handed
   * out zeroed) and, for free, finds the chunk by address.
   */
  @State(Scope.Thread)
  public static class BootedAllocState {
    PercpuSystem sys;
    int i;

    @Setup(Level.Trial)
    public void setup() {
      BootContext ctx = Boot.boot(Boot.resolve(null, List.of("arch=arm64", "cpus=4")));
      sys = PercpuSystem.boot(Machine.create(ctx.backend(), ctx.config()));
      for (int k = 0; k < 64; k++) {
        sys.alloc(8 + (k % 8) * 8, 8, false);
      }
    }
  }

  /** A booted arm64 machine with percpu, in both modes. */
  @State(Scope.Thread)
  public static class OpState {
    @Param({"off", "on"})
    public String localMap;

    ThisCpuEngine engine;
    org.percpulab.core.exec.MicroOpExecutor exec;
    org.percpulab.core.cpu.Cpu cpu1;
    org.percpulab.core.spi.MicroOp[] addSeq;
    org.percpulab.core.exec.MicroOpExecutor.Program addProg;
    long execPtr;
    long ptr;
    final long[] raw = new long[64];
    int i;

    @Setup(Level.Trial)
    public void setup() {
      BootContext ctx = Boot.boot(Boot.resolve(null,
          List.of("arch=arm64", "cpus=4", "percpu.localMap=" + localMap)));
      Machine m = Machine.create(ctx.backend(), ctx.config());
      PercpuSystem s = PercpuSystem.boot(m);
      engine = new ThisCpuEngine(s);
      ptr = s.alloc(8, 8, false);
      engine.add(1, ptr, 8, 1);
      exec = m.executor();
      cpu1 = m.cpu(1);
      addSeq = m.model().ops().sequence(org.percpulab.core.spi.ThisCpuOp.ADD, 8,
          org.percpulab.core.spi.OpForm.THIS_CPU, engine.mode());
      addProg = exec.compile(addSeq);
      execPtr = ptr;
    }
  }

  /** {@link OpState} with the arm64 RMW implementation as a parameter too. */
  @State(Scope.Thread)
  public static class AtomicsState {
    @Param({"off", "on"})
    public String localMap;

    @Param({"lse", "llsc"})
    public String atomics;

    ThisCpuEngine engine;
    long ptr;

    @Setup(Level.Trial)
    public void setup() {
      BootContext ctx = Boot.boot(Boot.resolve(null, List.of("arch=arm64", "cpus=4",
          "percpu.localMap=" + localMap, "arm64.atomics=" + atomics)));
      PercpuSystem s = PercpuSystem.boot(Machine.create(ctx.backend(), ctx.config()));
      engine = new ThisCpuEngine(s);
      ptr = s.alloc(8, 8, false);
      engine.add(1, ptr, 8, 1);
    }
  }

  /** 8, 16, ..., 64 bytes in turn. */
  private static int size8to64(int i) {
    return 8 + ((i & 7) << 3);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long allocFree8to64(AllocState s) {
    long p = s.pcpu.alloc(size8to64(s.i++), 8, false, false);
    s.pcpu.free(p);
    return p;
  }

  /** {@link #allocFree8to64} on a booted machine's first chunk (populated, so no chunk work). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public long allocFree8to64Booted(BootedAllocState s) {
    long p = s.sys.alloc(size8to64(s.i++), 8, false);
    s.sys.free(p);
    return p;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void thisCpuAdd8(OpState s) {
    s.engine.add(1, s.ptr, 8, 1);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long thisCpuRead8(OpState s) {
    return s.engine.read(1, s.ptr, 8);
  }

  /** this_cpu_add_8 with {@code stadd} (lse) or an {@code ldxr/add/stxr/cbnz} loop (llsc). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public void thisCpuAddAtomics8(AtomicsState s) {
    s.engine.add(1, s.ptr, 8, 1);
  }

  /** core's MicroOpExecutor alone on the same sequence (what the engine adds is the difference). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long executorOnlyAdd8(OpState s) {
    return s.exec.execute(s.cpu1, org.percpulab.core.spi.ThisCpuOp.ADD, s.addSeq, s.execPtr, 1, 0,
        8);
  }

  /** The same on the pre-decoded program (what ThisCpuEngine runs; no per-call cache lookup). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long executorCompiledAdd8(OpState s) {
    return s.exec.execute(s.cpu1, org.percpulab.core.spi.ThisCpuOp.ADD, s.addProg, s.execPtr, 1, 0,
        8);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public long rawLongIncrement(OpState s) {
    return ++s.raw[(s.i++) & 63];
  }
}
