package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.percpulab.bench.workload.KernelModel;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.Seeds;

/**
 * {@link PercpuKernelModel#readEveryCpu} (the chunk found once, one pass over its unit pages) reads
 * what {@link PercpuKernelModel#read} reads CPU by CPU, for objects in the first chunk (no unit
 * page array: the per-CPU path) and in dynamic chunks, after seeded this_cpu adds on random CPUs
 * and frees that depopulate.
 */
class ReadEveryCpuTest {

  @ParameterizedTest
  @EnumSource(value = OpMode.class, names = {"BASELINE", "LOCAL_MAP"})
  void readsWhatTheReadsOneByOneRead(OpMode mode) {
    Seeds.run(4, (rnd, log) -> {
      KernelModel km = DifferentialTest.factory("arm64").boot(mode);
      int cpus = km.cpus();
      List<Long> live = new ArrayList<>();
      long[] every = new long[cpus];
      for (int step = 0; step < 600; step++) {
        if (live.isEmpty() || rnd.nextInt(3) > 0) {
          int size = 8 << rnd.nextInt(9);
          long p = km.alloc(size, 8, false);
          log.op("alloc %d = 0x%x", size, p);
          live.add(p);
          int cpu = rnd.nextInt(cpus);
          km.op(cpu, ThisCpuOp.ADD, OpForm.THIS_CPU, 8, p, 1 + rnd.nextInt(1000), 0);
        } else {
          long p = live.remove(rnd.nextInt(live.size()));
          log.op("free 0x%x", p);
          km.free(p);
        }
        if (step % 7 == 0) {
          km.balance();
        }
        for (long p : live) {
          for (int size : new int[] {8, 4}) {
            km.readEveryCpu(p, size, every);
            for (int c = 0; c < cpus; c++) {
              assertThat(every[c]).as("ptr 0x%x cpu %d size %d", p, c, size)
                  .isEqualTo(km.read(p, c, size));
            }
          }
        }
      }
      // dynamic chunks existed, so objects the one-pass path answers for were among those read
      assertThat(km.stats().chunksCreated()).as("dynamic chunks created").isPositive();
    });
  }
}
