package org.percpulab.core.testkit;

import java.util.ServiceLoader;
import org.percpulab.core.machine.Machine;

/**
 * The percpu half of the conformance kit, supplied by mm-percpu's test-jar
 * ({@code org.percpulab.mm.percpu.kit.MmPercpuKit}, registered in
 * {@code META-INF/services/org.percpulab.core.testkit.PercpuKit}). Core cannot depend on mm-percpu
 * (mm-* depend on core), and arch-* cannot either (mm-percpu's own tests boot the in-tree backends:
 * a cycle). So: in-tree backends run the percpu checks in mm-percpu's test scope
 * ({@code InTreeBackendsPercpuKitTest}); an out-of-tree plugin puts mm-percpu, mm-vmalloc and
 * mm-percpu's test-jar in its test scope and runs the whole kit in one class. Without an
 * implementation on the test classpath the kit's percpu checks are reported as skipped, with this
 * reason, never as passed.
 */
public interface PercpuKit {

  /** setup_per_cpu_areas on a booted machine; throws (one line) when percpu cannot boot there. */
  Percpu boot(Machine m);

  /** The percpu API the kit drives (mm/percpu.c). */
  interface Percpu {
    /** __alloc_percpu: a percpu pointer, or 0 when the allocation fails. */
    long alloc(long size, long align);

    /** free_percpu. */
    void free(long ptr);

    /** per_cpu_ptr(ptr, cpu): the global, per-CPU-distinct address. */
    long perCpuPtr(long ptr, int cpu);

    /** {@code ptr + __per_cpu_local_off}: the same VA on every CPU; only with the local map. */
    long localAlias(long ptr);

    /**
     * A short seeded workload (allocations and frees of several sizes, this_cpu adds on every CPU
     * through the machine's op sequences, sums checked); returns a one-line summary. Throws
     * AssertionError naming the seed on a wrong sum.
     */
    String workload(long seed, int rounds);

    /** The first-chunk kind and unit layout in one line (the boot log's "Embedded/pages" line). */
    String bootLine();
  }

  /** The implementation on the test classpath, or null. */
  static PercpuKit find() {
    for (PercpuKit k : ServiceLoader.load(PercpuKit.class)) {
      return k;
    }
    return null;
  }

  /** The skip reason when {@link #find()} is null. */
  String MISSING = "percpu checks skipped: no org.percpulab.core.testkit.PercpuKit on the test "
      + "classpath (add org.percpulab:mm-percpu, mm-vmalloc and mm-percpu:test-jar in test scope; "
      + "in-tree backends run them in mm-percpu's InTreeBackendsPercpuKitTest)";
}
