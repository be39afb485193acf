package org.percpulab.bench.jmh;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
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
import org.openjdk.jmh.infra.Blackhole;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.config.Config;
import org.percpulab.core.machine.Machine;
import org.percpulab.mm.vmalloc.Caller;
import org.percpulab.mm.vmalloc.Vmalloc;
import org.percpulab.mm.vmalloc.VmapAreaAllocator;

/**
 * mm-vmalloc throughput (issue 4 goal: at least 10^6 vmalloc+vfree pairs/s with mapping).
 *
 * <ul>
 *   <li>{@code vmallocVfree}: one vmalloc of 1-16 pages (sizes from a seeded table) and its vfree on
 *       a booted machine with 10^4 live areas: KVA lowest fit, page allocation, PTE writes through
 *       core's engine, unmap, lazy list; the lazy purge (one broadcast TLB flush, merge back) runs
 *       whenever lazy_max_pages() is exceeded, so its cost is amortised into the pairs.
 *   <li>{@code kvaAllocFree}: the free/busy trees alone (VmapAreaAllocator), same sizes and live
 *       set.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class VmallocBench {
  private static final int LIVE = 10_000;
  private static final long PAGE = 4096;

  @Param({"arm64"})
  public String arch;

  private Vmalloc vmalloc;
  private VmapAreaAllocator kva;
  private final long[] sizes = new long[4096];
  private int next;
  private final Caller caller = Caller.of("bench");

  @Setup(Level.Trial)
  public void setUp() {
    Map<String, String> cfg = new HashMap<>();
    cfg.put("arch", arch);
    cfg.put("cpus", "4");
    cfg.put("percpu.localMap", "off");
    ResolvedConfig r = Boot.resolve(Config.of(cfg));
    Machine m = Machine.create(r.backend().backend(), r.config());
    vmalloc = Vmalloc.boot(m);
    Random rnd = new Random(42);
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = (1 + rnd.nextInt(16)) * PAGE;
    }
    kva = new VmapAreaAllocator(vmalloc.vmallocStart(), vmalloc.vmallocEnd(), PAGE);
    long[] live = new long[2 * LIVE];
    long[] kvaLive = new long[2 * LIVE];
    for (int i = 0; i < live.length; i++) {
      live[i] = vmalloc.vmalloc(sizes[i & 4095], caller);
      kvaLive[i] = kva.allocBusy(sizes[i & 4095], 1, kva.rangeStart(), kva.rangeEnd(), "x");
    }
    // free every other area: 10^4 live areas with holes between them
    for (int i = 0; i < live.length; i += 2) {
      vmalloc.vfree(live[i]);
      kva.free(kvaLive[i], kva.unlinkBusy(kvaLive[i]));
    }
    vmalloc.purgeVmapAreaLazy();
  }

  @Benchmark
  public void vmallocVfree(Blackhole bh) {
    long a = vmalloc.vmalloc(sizes[next++ & 4095], caller);
    vmalloc.vfree(a);
    bh.consume(a);
  }

  @Benchmark
  public void kvaAllocFree(Blackhole bh) {
    long size = sizes[next++ & 4095];
    long a = kva.allocBusy(size, 1, kva.rangeStart(), kva.rangeEnd(), null);
    kva.free(a, kva.unlinkBusy(a));
    bh.consume(a);
  }
}
