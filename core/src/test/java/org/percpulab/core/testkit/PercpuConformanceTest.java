package org.percpulab.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.Features;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.ThisCpuOp;

/**
 * The percpu half of the conformance kit (the base of {@link ArchBackendConformanceTest}): for every
 * configuration a backend lists, with the local map off and (where selected) on, boots percpu
 * through {@link PercpuKit} (mm-percpu), allocates percpu objects, runs every this_cpu op through
 * the global address (BASELINE) and the local alias (LOCAL_MAP) on several CPUs and checks that each
 * CPU reached its own copy and no other; compares every CPU's page tables with CPU 0's (they may
 * differ only inside the local area; with {@link PtdumpTables} also through ptdump {@code --diff});
 * and runs a short seeded workload. Subclasses supply {@link #backendId()} and {@link #configs()}.
 * Without a {@link PercpuKit} on the test classpath these checks are skipped with the reason
 * {@link PercpuKit#MISSING}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PercpuConformanceTest {

  /** CPUs of the percpu checks (several, so that a wrong copy shows). */
  protected static final int KIT_CPUS = 4;

  /** Id of the backend under test. */
  protected abstract String backendId();

  /** Configurations (settings over the defaults) to run every check with; one per geometry. */
  protected abstract List<Map<String, String>> configs();

  /** The backend; default: found by id through ServiceLoader. */
  protected ArchBackend backend() {
    return TestMachines.backend(backendId());
  }

  protected Stream<Arguments> configCases() {
    List<Arguments> out = new ArrayList<>();
    for (Map<String, String> c : configs()) {
      out.add(Arguments.of(c.toString(), c));
    }
    return out.stream();
  }

  protected ConfigView view(Map<String, String> c) {
    return TestMachines.config(backend(), c);
  }

  protected Machine boot(Map<String, String> c, String localMap, int cpus) {
    Map<String, String> s = new HashMap<>(c);
    s.put("percpu.localMap", localMap);
    s.put("cpus", Integer.toString(cpus));
    return TestMachines.boot(backend(), s);
  }

  /** The backend selects HAVE_LOCAL_PER_CPU_MAP and its model has the capability. */
  protected boolean selected(Map<String, String> c) {
    ArchModel model = backend().configure(view(c));
    return backend().features().contains(Features.HAVE_LOCAL_PER_CPU_MAP)
        && model.capability(LocalPerCpuMap.class).isPresent();
  }

  /** The percpu half's implementation, or null (then the checks are skipped). */
  protected PercpuKit percpuKit() {
    return PercpuKit.find();
  }

  private PercpuKit kit() {
    PercpuKit k = percpuKit();
    Assumptions.assumeTrue(k != null, PercpuKit.MISSING);
    return k;
  }

  private List<String> modes(Map<String, String> c) {
    return selected(c) ? List.of("off", "auto") : List.of("off");
  }

  // ---- this_cpu ops reach each CPU's own copy ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void thisCpuOpsReachEachCpusOwnCopy(String label, Map<String, String> c) {
    PercpuKit kit = kit();
    for (String lm : modes(c)) {
      Machine m = boot(c, lm, KIT_CPUS);
      PercpuKit.Percpu pc = kit.boot(m);
      long ptr = pc.alloc(8, 8);
      assertThat(ptr).as("%s localMap=%s: alloc_percpu(u64)", label, lm).isNotZero();
      List<OpMode> opModes = m.localMapActive() ? List.of(OpMode.BASELINE, OpMode.LOCAL_MAP)
          : List.of(OpMode.BASELINE);
      long[] global = new long[KIT_CPUS];
      long[] pa = new long[KIT_CPUS];
      for (int cpu = 0; cpu < KIT_CPUS; cpu++) {
        global[cpu] = pc.perCpuPtr(ptr, cpu);
        pa[cpu] = m.cpu(0).translate(global[cpu]);
        assertThat(pa[cpu]).as("%s localMap=%s: per_cpu_ptr(p, %d) mapped", label, lm, cpu)
            .isNotEqualTo(Cpu.FAULT);
        for (int other = 0; other < cpu; other++) {
          assertThat(pa[cpu]).as("%s: cpu %d and cpu %d share a copy", label, cpu, other)
              .isNotEqualTo(pa[other]);
        }
        if (m.localMapActive()) {
          long alias = pc.localAlias(ptr);
          assertThat(m.cpu(cpu).translate(alias)).as("%s: cpu %d's local alias 0x%x must reach "
              + "its own copy (pa of per_cpu_ptr(p, %d))", label, cpu, alias, cpu).isEqualTo(pa[cpu]);
          assertThat(m.kpt().localArea().contains(alias)).as("alias inside the local area").isTrue();
        }
      }
      for (OpMode mode : opModes) {
        for (ThisCpuOp op : ThisCpuOp.values()) {
          for (int size : new int[] {1, 2, 4, 8}) {
            MicroOp[] seq = m.model().ops().sequence(op, size, OpForm.THIS_CPU, mode);
            long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
            for (int cpu = 0; cpu < KIT_CPUS; cpu++) {
              long[] before = new long[KIT_CPUS];
              for (int x = 0; x < KIT_CPUS; x++) {
                before[x] = (0x1111_1111_1111_1111L * (x + 1) + op.ordinal()) & mask;
                m.mem().write(pa[x], size, before[x]);
              }
              long a = (0x0102_0304_0506_0708L + cpu) & mask;
              long b = 0x5a5a_5a5a_5a5a_5a5aL & mask;
              boolean cmp = op == ThisCpuOp.CMPXCHG || op == ThisCpuOp.TRY_CMPXCHG;
              long operand = cmp ? before[cpu] : a;
              String what = label + " localMap=" + lm + " " + mode + " this_cpu_"
                  + op.kernelName() + "_" + size + " on cpu " + cpu;
              m.executor().execute(m.cpu(cpu), op, seq, ptr, operand, b, size);
              long v0 = before[cpu];
              long exp = memoryAfter(op, v0, a, b, true, mask);
              for (int x = 0; x < KIT_CPUS; x++) {
                assertThat(m.mem().read(pa[x], size)).as("%s: copy of cpu %d", what, x)
                    .isEqualTo(x == cpu ? exp : before[x]);
              }
            }
          }
        }
      }
      pc.free(ptr);
      m.verifyConsistent();
    }
  }

  /**
   * The percpu variable's value after the kernel's {@code this_cpu_<op>} on old value {@code v0}
   * with operand {@code a} (cmpxchg: new value {@code b}, taken when {@code cmpHit}).
   */
  protected static long memoryAfter(ThisCpuOp op, long v0, long a, long b, boolean cmpHit,
      long mask) {
    return switch (op) {
      case READ -> v0;
      case WRITE, XCHG -> a;
      case ADD, ADD_RETURN -> (v0 + a) & mask;
      case SUB -> (v0 - a) & mask;
      case INC -> (v0 + 1) & mask;
      case DEC -> (v0 - 1) & mask;
      case AND -> v0 & a;
      case OR -> v0 | a;
      case CMPXCHG, TRY_CMPXCHG -> cmpHit ? b : v0;
    };
  }

  // ---- ptdump and --diff: CPUs differ only in the local area ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void cpusTablesDifferOnlyInTheLocalArea(String label, Map<String, String> c) {
    PercpuKit kit = kit();
    for (String lm : modes(c)) {
      Machine m = boot(c, lm, KIT_CPUS);
      PercpuKit.Percpu pc = kit.boot(m);
      List<Long> objs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        long p = pc.alloc(2048, 8);
        assertThat(p).as("%s: alloc %d", label, i).isNotZero();
        objs.add(p);
      }
      Region la = m.localMapActive() ? m.kpt().localArea() : null;
      PageTableEngine e = m.engine();
      Region top = kernelHalf(m);
      List<PageTableChecks.Leaf> cpu0 = PageTableChecks.leaves(e, m.kpt().pgdOf(0), top.start(),
          top.size());
      assertThat(cpu0.size()).as("%s: leaves walked", label).isBetween(1, 4_000_000);
      for (int cpu = 1; cpu < KIT_CPUS; cpu++) {
        List<PageTableChecks.Leaf> other = PageTableChecks.leaves(e, m.kpt().pgdOf(cpu),
            top.start(), top.size());
        java.util.Set<PageTableChecks.Leaf> onlyA = new java.util.HashSet<>(cpu0);
        other.forEach(onlyA::remove);
        java.util.Set<PageTableChecks.Leaf> onlyB = new java.util.HashSet<>(other);
        cpu0.forEach(onlyB::remove);
        for (java.util.Set<PageTableChecks.Leaf> d : List.of(onlyA, onlyB)) {
          for (PageTableChecks.Leaf l : d) {
            assertThat(la != null && la.contains(l.va()) && la.contains(l.va() + l.size() - 1))
                .as("%s localMap=%s: cpu 0 and cpu %d differ at 0x%x (size 0x%x) outside the "
                    + "local area %s", label, lm, cpu, l.va(), l.size(), la).isTrue();
          }
        }
        if (la != null) {
          assertThat(onlyA).as("%s: cpu 0 and cpu %d map different pages in the local area",
              label, cpu).isNotEmpty();
        }
      }
      PtdumpTables tables = m.model().capability(PtdumpTables.class).orElse(null);
      if (tables != null) {
        long ps = m.geometry().pageSize();
        List<String> dump = Ptdump.dump(tables, EngineNotes.of(e, m.kpt().pgdOf(1)), ps);
        assertThat(dump).as("%s: ptdump of cpu 1", label).isNotEmpty();
        List<String> diff = Ptdump.diffCpus(tables, m.model().descriptors(),
            EngineNotes.of(e, m.kpt().pgdOf(0)), EngineNotes.of(e, m.kpt().pgdOf(1)), ps);
        for (String line : diff) {
          if (line.startsWith("-0x") || line.startsWith("+0x")) {
            long va = Long.parseUnsignedLong(line.substring(3, 19), 16);
            assertThat(la != null && la.contains(va)).as("%s: ptdump --diff 0 1 line outside "
                + "the local area: %s", label, line).isTrue();
          }
        }
        assertThat(diff.isEmpty()).as("%s localMap=%s: ptdump --diff 0 1 empty", label, lm)
            .isEqualTo(la == null);
      }
      for (long p : objs) {
        pc.free(p);
      }
      m.verifyConsistent();
    }
  }

  /**
   * The kernel VA range the walks cover, from the lowest region: to 2^64 for a top-half layout
   * (arm64, generic), to 2^vaBits for a layout from 0 (s390), so that no index wraps around.
   */
  private static Region kernelHalf(Machine m) {
    long lo = -1;
    for (Region r : m.layout().regions()) {
      if (Long.compareUnsigned(r.start(), lo) < 0) {
        lo = r.start();
      }
    }
    int va = m.geometry().vaBits();
    lo &= -m.geometry().entrySize(0);
    long end = lo < 0 || va >= 64 ? 0 : 1L << va;
    return new Region("kernel", lo, end);
  }

  // ---- a short workload ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void shortWorkloadKeepsEveryCpusSum(String label, Map<String, String> c) {
    PercpuKit kit = kit();
    for (String lm : modes(c)) {
      Machine m = boot(c, lm, KIT_CPUS);
      PercpuKit.Percpu pc = kit.boot(m);
      assertThat(pc.bootLine()).as("%s: percpu boot line", label).startsWith("percpu:");
      String summary = pc.workload(label.hashCode() * 31L + lm.length(), 40);
      assertThat(summary).as("%s localMap=%s workload", label, lm).contains("this_cpu_add");
      m.verifyConsistent();
    }
  }
}
