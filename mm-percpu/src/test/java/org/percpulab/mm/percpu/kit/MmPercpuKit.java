package org.percpulab.mm.percpu.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.testkit.PercpuKit;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.ThisCpuEngine;

/**
 * The conformance kit's percpu half over mm-percpu ({@link PercpuSystem}, {@link ThisCpuEngine}):
 * found by the kit through {@code META-INF/services/org.percpulab.core.testkit.PercpuKit} of this
 * module's test-jar.
 */
public final class MmPercpuKit implements PercpuKit {

  @Override public Percpu boot(Machine m) {
    PercpuSystem sys = PercpuSystem.boot(m);
    return new Percpu() {
      @Override public long alloc(long size, long align) {
        return sys.alloc(size, align, false);
      }

      @Override public void free(long ptr) {
        sys.free(ptr);
      }

      @Override public long perCpuPtr(long ptr, int cpu) {
        return sys.perCpuPtr(ptr, cpu);
      }

      @Override public long localAlias(long ptr) {
        return sys.localAlias(ptr);
      }

      @Override public String bootLine() {
        for (String l : sys.bootLog()) {
          if (l.startsWith("percpu:")) {
            return l;
          }
        }
        return String.join(" / ", sys.bootLog());
      }

      @Override public String workload(long seed, int rounds) {
        Random rnd = new Random(seed);
        int cpus = m.cpus().count();
        ThisCpuEngine[] engines = sys.localMapActive()
            ? new ThisCpuEngine[] {new ThisCpuEngine(sys, OpMode.BASELINE),
                new ThisCpuEngine(sys, OpMode.LOCAL_MAP)}
            : new ThisCpuEngine[] {new ThisCpuEngine(sys, OpMode.BASELINE)};
        List<long[]> live = new ArrayList<>();
        long adds = 0;
        for (int r = 0; r < rounds; r++) {
          if (live.isEmpty() || rnd.nextInt(3) != 0) {
            int size = 8 << rnd.nextInt(4);
            long p = sys.alloc(size, 8, false);
            if (p == 0) {
              throw new AssertionError("seed " + seed + ": alloc of " + size + " bytes failed");
            }
            live.add(new long[] {p, 0});
          } else {
            long[] x = live.remove(rnd.nextInt(live.size()));
            sys.free(x[0]);
          }
          for (long[] x : live) {
            int cpu = rnd.nextInt(cpus);
            ThisCpuEngine e = engines[rnd.nextInt(engines.length)];
            e.add(cpu, x[0], 8, 1);
            x[1]++;
            adds++;
          }
        }
        for (long[] x : live) {
          long sum = 0;
          for (int cpu = 0; cpu < cpus; cpu++) {
            sum += engines[0].read(cpu, x[0], 8);
          }
          if (sum != x[1]) {
            throw new AssertionError("seed " + seed + ": percpu sum " + sum + " != " + x[1]
                + " this_cpu_add calls at ptr 0x" + Long.toHexString(x[0]));
          }
          sys.free(x[0]);
        }
        m.verifyConsistent();
        return rounds + " rounds, " + adds + " this_cpu_add, " + live.size() + " objects summed";
      }
    };
  }
}
