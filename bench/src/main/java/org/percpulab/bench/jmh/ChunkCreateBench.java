package org.percpulab.bench.jmh;

import java.util.Map;
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
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.config.Config;
import org.percpulab.core.machine.Machine;
import org.percpulab.mm.percpu.PcpuChunk;
import org.percpulab.mm.percpu.PercpuAllocator;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.VmChunkBackend;

/**
 * Percpu chunk creation at 160 CPUs with the local map off and on (mm/percpu-vm.c
 * pcpu_create_chunk + pcpu_populate_chunk of one page per unit, then depopulate, the post-unmap
 * TLB flush and pcpu_destroy_chunk): the page-table work the local map adds per chunk (each CPU's
 * unit page mapped a second time, into that CPU's own pgd, and unmapped with one broadcast flush).
 * {@code localMap=auto} is on where the backend selects HAVE_LOCAL_PER_CPU_MAP (arm64) and off
 * elsewhere, so generic and s390 show the same cost in both rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ChunkCreateBench {

  @Param({"arm64", "s390", "generic"})
  public String arch;

  @Param({"off", "auto"})
  public String localMap;

  @Param({"160"})
  public int cpus;

  private PercpuAllocator pcpu;
  private VmChunkBackend backend;

  @Setup(Level.Trial)
  public void boot() {
    ResolvedConfig rc = Boot.resolve(Config.of(Map.of("arch", arch, "cpus",
        Integer.toString(cpus), "percpu.localMap", localMap, "plugins.dir", "no-plugins")));
    Machine m = Machine.create(rc.backend().backend(), rc.config());
    PercpuSystem sys = PercpuSystem.boot(m);
    pcpu = sys.allocator();
    backend = sys.backend();
  }

  /** Create a chunk, populate its first page in every unit, depopulate, flush, destroy. */
  @Benchmark
  public int createPopulateDestroy() {
    PcpuChunk c = backend.createChunk(pcpu);
    if (c == null) {
      throw new IllegalStateException("pcpu_create_chunk failed");
    }
    int err = backend.populate(pcpu, c, 0, 1);
    backend.depopulate(pcpu, c, 0, 1);
    backend.postUnmapTlbFlush(pcpu, c, 0, 1);
    backend.destroyChunk(pcpu, c);
    return err;
  }
}
