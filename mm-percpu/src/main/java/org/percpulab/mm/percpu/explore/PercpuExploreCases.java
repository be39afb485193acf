package org.percpulab.mm.percpu.explore;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.explore.ExploreScenario;
import org.percpulab.core.explore.ExploreTask;
import org.percpulab.core.explore.TaskContext;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.mm.percpu.AliasEscapeDetector;
import org.percpulab.mm.percpu.PercpuSystem;

/**
 * The percpu litmus cases of {@code percpu-lab explore} (issue 13; the review's hazards,
 * seed series review §4). Each is a scenario of two tasks (mixed-forms: one task and an
 * interrupt) on two CPUs running the
 * booted machine's own this_cpu sequences; which access (offset, local map, ...) they exercise is
 * the machine's config, never the case's. Every case states its condition before it runs.
 */
public final class PercpuExploreCases {

  /**
   * One case: its name, what it shows, the condition every execution must satisfy, config it
   * needs on the machine (besides the access), and the scenario built on a booted machine.
   */
  public record Case(String name, String summary, String condition, Map<String, String> config,
      Function<PercpuSystem, ExploreScenario> build) {
  }

  /** The condition of the cases checked against {@link PerCpuSpec}. */
  static final String SPEC = "every op takes effect atomically on the copy of the CPU that "
      + "executed its access (values returned and final copies)";

  private PercpuExploreCases() {
  }

  /** All cases, in the order of the matrix. */
  public static List<Case> all() {
    return List.of(
        new Case("add-no-protection", "this_cpu_add with the preempt protection ablated (T0) "
            + "next to a normal this_cpu_add (T1): a migration after the offset read sends the "
            + "update to the previous CPU's copy", SPEC, Map.of(), s -> new Ablated(s, ThisCpuOp.ADD, 1, 10)),
        new Case("mixed-forms", "__this_cpu_add under preempt_disable (T0) and this_cpu_add in "
            + "an interrupt on the same CPU: an interrupt between the load and the store is "
            + "a lost update", SPEC, Map.of(), MixedForms::new),
        new Case("write-after-migration", "this_cpu_write with the protection ablated (T0) "
            + "and a this_cpu_write of another task on the same CPU (T1): an offset read before "
            + "a migration clobbers the remote copy", SPEC, Map.of(), s -> new Ablated(s, ThisCpuOp.WRITE, 0, 2)),
        new Case("read-then-write", "raw_cpu_add (load, add, store of one computed address) "
            + "in preemptible code on two CPUs whose copies start at 10 and 20", "no impossible "
            + "value: each copy ends within [its initial value, initial + number of adds] "
            + "(lost or misdirected updates are tolerated, a value from another copy is not)",
            Map.of(), ReadThenWrite::new),
        new Case("cmpxchg-remote", "this_cpu_read + this_cpu_cmpxchg retry loop (T0) while "
            + "another CPU adds to T0's copy through per_cpu_ptr (T1)", SPEC
            + "; the loop ends within " + CmpxchgRemote.ATTEMPTS + " attempts", Map.of(),
            CmpxchgRemote::new),
        new Case("alias-escape", "osq_lock-style: T0 takes its osq_node by the address its "
            + "this_cpu ops form and publishes it; T1 on another CPU dereferences it",
            "T1 reads node->cpu of the CPU whose node T0 published", Map.of(),
            AliasEscape::new),
        new Case("shared-tlb", "this_cpu_read of osq_node.cpu on two SMT siblings sharing a "
            + "TLB (topology.threadsPerCore=2, tlb.shared=smt; a local map is forced on)", SPEC,
            Map.of("topology.threadsPerCore", "2", "tlb.shared", "smt"),
            s -> new SameOpOnEachCpu(s, 1, ThisCpuOp.READ, OpForm.THIS_CPU, 0)));
  }

  /** The case called {@code name}, or null. */
  public static Case byName(String name) {
    for (Case c : all()) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static long[] zeros(PercpuSystem s) {
    return perCpuValues(s, 0);
  }

  /** Initial copies {@code step * (cpu + 1)}: 10, 20 for read-then-write; 1, 2 as node->cpu. */
  private static long[] perCpuValues(PercpuSystem s, long step) {
    long[] v = new long[s.machine().cpus().count()];
    for (int c = 0; c < v.length; c++) {
      v[c] = step * (c + 1);
    }
    return v;
  }

  /**
   * T0: {@code op(&x, 1)} with the preempt protection ablated; T1, on {@code t1Cpu}, the same op
   * unablated with {@code t1Value}. add-no-protection: add, T1 on CPU1, 10; write-after-migration:
   * write, T1 on CPU0 (it starts once T0 leaves CPU0), 2.
   */
  static class Ablated extends PercpuLitmus {
    private final ThisCpuOp op;
    private final int t1Cpu;
    private final long t1Value;
    private final MicroOp[] seq;
    private final MicroOpExecutor.Program prog;

    Ablated(PercpuSystem s, ThisCpuOp op, int t1Cpu, long t1Value) {
      super(s, 8, zeros(s));
      this.op = op;
      this.t1Cpu = t1Cpu;
      this.t1Value = t1Value;
      seq = PreemptAblation.strip(sequence(op, OpForm.THIS_CPU));
      prog = exec.compile(seq);
    }

    @Override
    public List<ExploreTask> tasks() {
      return List.of(
          new ExploreTask("T0", 0, c -> run(c, "this_cpu_" + op.kernelName()
              + "(&x, 1) [preempt protection ablated]", seq, prog, op, 1)),
          new ExploreTask("T1", t1Cpu, c -> thisCpu(c, op, OpForm.THIS_CPU, 0, t1Value, 0)));
    }
  }

  /**
   * T0: preempt_disable; __this_cpu_add(&x, 1); preempt_enable. IRQ on T0's CPU:
   * this_cpu_add(&x, 100). One task: the racer is the interrupt.
   */
  static final class MixedForms extends PercpuLitmus {
    MixedForms(PercpuSystem s) {
      super(s, 8, zeros(s));
    }

    @Override
    public List<ExploreTask> tasks() {
      return List.of(
          new ExploreTask("T0", 0, c -> {
            c.step("preempt_disable()", false).preemptDisable();
            thisCpu(c, ThisCpuOp.ADD, OpForm.UNDERSCORE_THIS_CPU, 0, 1, 0);
            c.step("preempt_enable()", false).preemptEnableNoResched();
          }));
    }

    @Override
    public ExploreTask.Body interruptHandler() {
      return c -> thisCpu(c, ThisCpuOp.ADD, OpForm.THIS_CPU, 0, 100, 0);
    }
  }

  /** T0 on CPU0 and T1 on CPU1 run the same {@code form op(&x, value)}; copies step * (cpu + 1). */
  static class SameOpOnEachCpu extends PercpuLitmus {
    private final ThisCpuOp op;
    private final OpForm form;
    private final long value;

    SameOpOnEachCpu(PercpuSystem s, long step, ThisCpuOp op, OpForm form, long value) {
      super(s, 8, perCpuValues(s, step));
      this.op = op;
      this.form = form;
      this.value = value;
    }

    @Override
    public List<ExploreTask> tasks() {
      return List.of(new ExploreTask("T0", 0, c -> thisCpu(c, op, form, 0, value, 0)),
          new ExploreTask("T1", 1, c -> thisCpu(c, op, form, 0, value, 0)));
    }
  }

  /** raw_cpu_add(&x, 1) on each CPU, preemptible; copies start at 10, 20. */
  static final class ReadThenWrite extends SameOpOnEachCpu {
    ReadThenWrite(PercpuSystem s) {
      super(s, 10, ThisCpuOp.ADD, OpForm.RAW_CPU, 1);
    }

    @Override
    public Violation check() {
      long[] v = copies(0);
      boolean ok = true;
      StringBuilder want = new StringBuilder();
      for (int c = 0; c < v.length; c++) {
        ok &= v[c] >= initial[c] && v[c] <= initial[c] + 2;
        want.append(c == 0 ? "" : " ").append("x@CPU").append(c).append(" in [")
            .append(initial[c]).append(',').append(initial[c] + 2).append(']');
      }
      return ok ? null : new Violation(PerCpuSpec.copies("x", v), want.toString());
    }
  }

  /** T0: old = this_cpu_read(&x); this_cpu_cmpxchg(&x, old, old + 1) until it succeeds. */
  static final class CmpxchgRemote extends PercpuLitmus {
    static final int ATTEMPTS = 8;
    private int attempts;
    private int maxAttempts;

    CmpxchgRemote(PercpuSystem s) {
      super(s, 8, zeros(s));
    }

    /** Most attempts the loop needed in any execution so far (1 = no retry). */
    @Override
    public Map<String, Long> figures() {
      return Map.of("maxAttempts", (long) maxAttempts);
    }

    @Override
    public void reset() {
      super.reset();
      attempts = 0;
    }

    @Override
    public List<ExploreTask> tasks() {
      return List.of(
          new ExploreTask("T0", 0, c -> {
            while (attempts < ATTEMPTS) {
              attempts++;
              long old = thisCpu(c, ThisCpuOp.READ, OpForm.THIS_CPU, 0, 0, 0);
              if (thisCpu(c, ThisCpuOp.CMPXCHG, OpForm.THIS_CPU, 0, old, old + 1) == old) {
                break;
              }
              c.note("cmpxchg failed: retry");
            }
            maxAttempts = Math.max(maxAttempts, attempts);
          }),
          new ExploreTask("T1", 1, c -> {
            long remote = sys.perCpuPtr(x, 0);
            Cpu cpu = c.step(String.format("atomic_long_add(1, per_cpu_ptr(&x, 0))  [0x%x]",
                remote), true);
            long pa = cpu.translate(remote);
            long old = m.mem().read(pa, 8);
            m.mem().write(pa, 8, old + 1);
            spec.record(c.position(), 0, c.name(), ThisCpuOp.ADD, 1, 0, 0);
          }));
    }

    @Override
    public Violation check() {
      Violation v = super.check();
      if (v == null && attempts >= ATTEMPTS) {
        return new Violation("the loop made " + attempts + " attempts", "fewer than "
            + ATTEMPTS);
      }
      return v;
    }
  }

  /** osq_node {next, prev, locked, cpu}: node->cpu (encode_cpu = cpu + 1) at byte 20. */
  static final class AliasEscape extends PercpuLitmus {
    static final long CPU_FIELD = 20;
    private final AliasEscapeDetector detector;
    private long tail;
    private int formedOn;
    private long seen;

    AliasEscape(PercpuSystem s) {
      super(s, 24, zeros(s));
      this.detector = s.localMapActive() ? new AliasEscapeDetector(m.kpt().localArea().start(),
          m.kpt().localArea().end()) : new AliasEscapeDetector(0, 0);
    }

    @Override
    public void reset() {
      for (int c = 0; c < initial.length; c++) {
        m.mem().write(copyPa(c, CPU_FIELD), 4, c + 1);
      }
      m.cpus().flushAll();
      tail = 0;
      formedOn = -1;
      seen = -1;
    }

    @Override
    public List<ExploreTask> tasks() {
      return List.of(
          new ExploreTask("T0", 0, c -> {
            Cpu cpu = c.step("node = this CPU's &osq_node (the address this_cpu ops form)",
                false);
            long node = formedAddress(cpu, x);
            formedOn = cpu.id();
            c.note(String.format("node = 0x%x%s", node, detector.isLocal(node)
                ? " (local alias)" : " (global address)"));
            cpu = c.step("str node, [lock->tail]   // publish", true);
            tail = node;
            if (cpu.id() != formedOn) {
              detector.handOff(node, formedOn, cpu.id());
            }
          }),
          new ExploreTask("T1", 1, c -> {
            c.step("ldr prev, [lock->tail]", true);
            long prev = tail;
            if (prev == 0) {
              c.note("lock->tail empty: nothing to follow");
              return;
            }
            Cpu cpu = c.step("ldr w, [prev, #20]   // prev->cpu", true);
            long pa = cpu.translate(prev + CPU_FIELD);
            seen = m.mem().read(pa, 4);
            if (detector.dereference(prev, formedOn, cpu.id())) {
              c.note("alias escape: " + detector.hazards().get(detector.hazards().size() - 1));
            }
            c.note("prev->cpu = " + seen);
          }));
    }

    @Override
    public Violation check() {
      if (seen < 0 || seen == formedOn + 1) {
        return null;
      }
      return new Violation("T1 read prev->cpu=" + seen, "prev->cpu=" + (formedOn + 1)
          + " (T0 published CPU" + formedOn + "'s node)");
    }
  }
}
