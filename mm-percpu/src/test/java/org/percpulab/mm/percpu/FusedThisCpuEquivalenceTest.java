package org.percpulab.mm.percpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.cpu.Tlb;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.exec.PreemptionHook;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.OpSequences;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.Seeds;
import org.percpulab.core.testkit.TestMachines;

/**
 * The executor's fused this_cpu path against its general micro-op loop: two identically booted
 * machines, one with fusion on and one forced onto the loop, run the same random this_cpu ops
 * (every op, size, form, CPU; aligned, unaligned and faulting pointers; TLB flushes and evictions;
 * preempt_count, need_resched and IRQ state varied) and must agree after every op on the value
 * returned, the percpu memory, and every executor, CPU, TLB and engine counter.
 */
class FusedThisCpuEquivalenceTest {
  private static final int SEEDS = 6;
  private static final int OPS = 300;
  private static final int[] SIZES = {1, 2, 4, 8};
  private static final ThisCpuOp[] OP_VALUES = ThisCpuOp.values();
  private static final OpForm[] FORMS = OpForm.values();

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("arm64", "lse", "off"),
        Arguments.of("arm64", "lse", "on"),
        Arguments.of("arm64", "llsc", "off"),
        Arguments.of("arm64", "llsc", "on"),
        Arguments.of("generic", "-", "off"),
        Arguments.of("s390", "true", "off"),
        Arguments.of("s390", "false", "off"),
        // percpu.access choices (the third argument names the access)
        Arguments.of("arm64", "lse", "private-page"),
        Arguments.of("arm64", "lse", "marker-fixup"),
        Arguments.of("arm64", "llsc", "marker-fixup"),
        Arguments.of("arm64", "lse", "restart"),
        Arguments.of("arm64", "lse", "segment"),
        Arguments.of("generic", "-", "segment"),
        Arguments.of("s390", "true", "marker-fixup"),
        Arguments.of("s390", "false", "marker-fixup"),
        Arguments.of("s390", "true", "local-map"),
        Arguments.of("s390", "false", "local-map"));
  }

  /** The mode of a config's third argument: on/off for the local map, else an access name. */
  private static OpMode mode(String localMap) {
    return localMap.equals("on") ? OpMode.LOCAL_MAP : localMap.equals("off") ? OpMode.BASELINE
        : OpMode.ofAccess(localMap);
  }

  private static Map<String, String> settings(String arch, String variant, String localMap,
      int tlbEntries) {
    Map<String, String> s = new HashMap<>();
    s.put("arch", arch);
    s.put("cpus", "4");
    if (localMap.equals("on") || localMap.equals("off")) {
      s.put("percpu.localMap", localMap);
    } else {
      s.put("percpu.access", localMap);
    }
    if (tlbEntries > 0) {
      s.put("tlb.entries", Integer.toString(tlbEntries));
    }
    if (arch.equals("arm64")) {
      s.put("arm64.atomics", variant);
    } else if (arch.equals("s390")) {
      s.put("s390.z196", variant);
    }
    return s;
  }

  /** One machine with percpu booted, its engine and the objects allocated on it. */
  private static final class Side {
    final Machine m;
    final PercpuSystem sys;
    final ThisCpuEngine engine;
    final MicroOpExecutor exec;
    final List<long[]> objects = new ArrayList<>();

    Side(Map<String, String> settings, boolean fusion) {
      m = TestMachines.boot(settings);
      sys = PercpuSystem.boot(m);
      engine = new ThisCpuEngine(sys);
      exec = m.executor();
      exec.setFusion(fusion);
    }

    long alloc(long size, long align) {
      long p = sys.alloc(size, align, false);
      if (p != 0) {
        objects.add(new long[] {p, size});
      }
      return p;
    }

    /** Every observable the two paths must agree on, one labelled value per line. */
    String state(long[] touched) {
      StringBuilder b = new StringBuilder();
      b.append("exec insns=").append(exec.instructions()).append(" cycles=").append(exec.cycles())
          .append(" executed=").append(exec.executed()).append(" retries=")
          .append(exec.lastRetries()).append(" lastCpu=")
          .append(exec.lastCpu() == null ? -1 : exec.lastCpu().id()).append('\n');
      for (int i = 0; i < m.cpus().count(); i++) {
        Cpu c = m.cpu(i);
        b.append("cpu").append(i).append(" insns=").append(c.instructions()).append(" cycles=")
            .append(c.cycles()).append(" walks=").append(c.walks()).append(" levelReads=")
            .append(c.walkLevelReads()).append(" faults=").append(c.faults())
            .append(" lastWalkReads=").append(c.lastWalkReads()).append(" lastProt=")
            .append(c.lastProt()).append(" preempt=").append(c.preemptCount())
            .append(" resched=").append(c.needResched()).append(" irqs=")
            .append(c.irqsEnabled()).append('\n');
      }
      List<Tlb> tlbs = m.cpus().tlbs();
      for (int i = 0; i < tlbs.size(); i++) {
        Tlb t = tlbs.get(i);
        b.append("tlb").append(i).append(" hits=").append(t.hits()).append(" misses=")
            .append(t.misses()).append(" size=").append(t.size()).append(" lastProt=")
            .append(t.lastProt()).append('\n');
      }
      for (ThisCpuOp op : OP_VALUES) {
        b.append(op).append(' ').append(engine.count(op)).append('/')
            .append(engine.instructions(op)).append('/').append(engine.cycles(op)).append(' ');
      }
      b.append("violations=").append(engine.violations()).append(" resident=")
          .append(m.mem().residentPages()).append('\n');
      for (int cpu = 0; cpu < m.cpus().count(); cpu++) {
        long va = sys.perCpuPtr(touched[0], cpu);
        b.append("mem cpu").append(cpu);
        for (long off = 0; off < touched[1]; off += 8) {
          long pa = m.engine().translate(m.kpt().pgdOf(cpu), va + off);
          b.append(' ').append(pa < 0 ? "unmapped" : Long.toHexString(m.mem().read(pa, 8)));
        }
        b.append('\n');
      }
      return b.toString();
    }
  }

  /**
   * Runs {@code op} and renders its outcome: the value or the exception. On the fused side
   * ({@code viaAdd}) this_cpu_add goes through {@link ThisCpuEngine#add}, the entry point percpu
   * counters use, with its short path for a remembered block.
   */
  private static String run(Side s, boolean viaAdd, int cpu, ThisCpuOp op, OpForm form, int size,
      long ptr, long value, long expected) {
    try {
      if (viaAdd && op == ThisCpuOp.ADD && form == OpForm.THIS_CPU) {
        s.engine.add(cpu, ptr, size, value);
        return "= 0";
      }
      return "= " + Long.toHexString(s.engine.op(cpu, op, form, size, ptr, value, expected));
    } catch (RuntimeException e) {
      return "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static long value(Random rnd) {
    switch (rnd.nextInt(4)) {
      case 0: return rnd.nextInt(4);
      case 1: return -1L;
      case 2: return rnd.nextInt(1 << 16);
      default: return rnd.nextLong();
    }
  }

  private static void allocate(Random rnd, Side a, Side b, Seeds.OpLog log) {
    long size = 8L << rnd.nextInt(7);
    long align = Math.min(size, 1L << rnd.nextInt(5));
    long pa = a.alloc(size, align);
    long pb = b.alloc(size, align);
    log.op("alloc %d align %d -> 0x%x", size, align, pa);
    assertThat(pb).as("same allocation on both machines").isEqualTo(pa);
  }

  /** The body of one seeded case on a pair of machines; {@code hook} installs schedulers. */
  private static void exercise(Random rnd, Seeds.OpLog log, Map<String, String> settings,
      boolean hook) {
    Side a = new Side(settings, true);
    Side b = new Side(settings, false);
    int cpus = a.m.cpus().count();
    if (hook) {
      long hookSeed = rnd.nextLong();
      a.exec.setPreemptionHook(migrating(a.m, new Random(hookSeed)));
      b.exec.setPreemptionHook(migrating(b.m, new Random(hookSeed)));
    }
    for (int k = 0; k < 6; k++) {
      allocate(rnd, a, b, log);
    }
    // enough 1 KiB objects to need a dynamic chunk
    for (int k = 0; k < 40; k++) {
      long pa = a.alloc(1024, 8);
      assertThat(b.alloc(1024, 8)).isEqualTo(pa);
    }
    assertThat(a.sys.allocator().chunksCreated()).as("a dynamic chunk exists").isPositive();
    for (int n = 0; n < OPS; n++) {
      int r = rnd.nextInt(100);
      if (r < 4) {
        flush(rnd, a, b, log);
        continue;
      }
      if (r < 6) {
        allocate(rnd, a, b, log);
        continue;
      }
      long[] obj = a.objects.get(rnd.nextInt(a.objects.size()));
      ThisCpuOp op = OP_VALUES[rnd.nextInt(OP_VALUES.length)];
      OpForm form = FORMS[rnd.nextInt(FORMS.length)];
      int size = SIZES[rnd.nextInt(SIZES.length)];
      int cpu = rnd.nextInt(cpus);
      long off;
      int shape = rnd.nextInt(20);
      if (shape == 0) {
        off = 1L << 40;
      } else if (shape <= 2) {
        off = rnd.nextInt((int) Math.max(1, obj[1] - size + 1));
      } else {
        off = (long) rnd.nextInt((int) (obj[1] / size)) * size;
      }
      long value = value(rnd);
      long expected = rnd.nextBoolean() ? rnd.nextInt(4) : value(rnd);
      boolean disable = form == OpForm.UNDERSCORE_THIS_CPU ? rnd.nextInt(8) != 0
          : rnd.nextInt(10) == 0;
      boolean irqsOff = rnd.nextInt(12) == 0;
      boolean resched = rnd.nextInt(3) == 0;
      boolean negative = rnd.nextInt(100) == 0;
      log.op("cpu%d %s%s_%d(0x%x + 0x%x, 0x%x, 0x%x) disable=%s irqsOff=%s resched=%s neg=%s",
          cpu, form.prefix(), op.kernelName(), size, obj[0], off, value, expected, disable,
          irqsOff, resched, negative);
      String ra = null;
      String rb = null;
      for (Side s : new Side[] {a, b}) {
        Cpu c = s.m.cpu(cpu);
        c.setNeedResched(resched);
        if (negative) {
          c.setPreemptCount(-1);
        } else if (disable) {
          c.preemptDisable();
        }
        if (irqsOff) {
          c.setIrqsEnabled(false);
        }
        String res = run(s, s == a, cpu, op, form, size, obj[0] + off, value, expected);
        if (s == a) {
          ra = res;
        } else {
          rb = res;
        }
      }
      assertThat(rb).as("result").isEqualTo(ra);
      assertThat(b.state(obj)).as("state after the op").isEqualTo(a.state(obj));
      for (Side s : new Side[] {a, b}) {
        Cpu c = s.m.cpu(cpu);
        c.setPreemptCount(0);
        c.setIrqsEnabled(true);
        c.setNeedResched(false);
      }
    }
    addBursts(rnd, a, b, log);
  }

  /**
   * Runs of this_cpu_add_8 on a few words, mostly on the CPU of the previous add, so that the
   * fused side keeps hitting its remembered block (the short path of {@link ThisCpuEngine#add}),
   * broken by flushes, page discards, a negative preempt_count and other ops.
   */
  private static void addBursts(Random rnd, Side a, Side b, Seeds.OpLog log) {
    int cpus = a.m.cpus().count();
    int cpu = 0;
    for (int n = 0; n < OPS; n++) {
      long[] obj = a.objects.get(rnd.nextInt(Math.min(3, a.objects.size())));
      int r = rnd.nextInt(100);
      if (r < 3) {
        flush(rnd, a, b, log);
        continue;
      }
      if (r < 8) {
        cpu = rnd.nextInt(cpus);
      }
      long off = (long) rnd.nextInt((int) (obj[1] / 8)) * 8;
      boolean negative = r == 8;
      ThisCpuOp op = r == 9 ? ThisCpuOp.READ : ThisCpuOp.ADD;
      if (r == 10) {
        // the page dropped (as when freed): a remembered block must not be written again
        long pa = a.m.engine().translate(a.m.kpt().pgdOf(cpu), a.sys.perCpuPtr(obj[0], cpu));
        log.op("discard pfn of cpu%d 0x%x", cpu, obj[0]);
        if (pa >= 0) {
          a.m.mem().discard(pa >>> a.m.mem().pageShift(), 1);
          b.m.mem().discard(pa >>> b.m.mem().pageShift(), 1);
        }
      }
      long value = value(rnd);
      log.op("burst cpu%d %s_8(0x%x + 0x%x, 0x%x) neg=%s", cpu, op.kernelName(), obj[0], off,
          value, negative);
      String ra = null;
      String rb = null;
      for (Side s : new Side[] {a, b}) {
        if (negative) {
          s.m.cpu(cpu).setPreemptCount(-1);
        }
        String res = run(s, s == a, cpu, op, OpForm.THIS_CPU, 8, obj[0] + off, value, 0);
        if (s == a) {
          ra = res;
        } else {
          rb = res;
        }
        s.m.cpu(cpu).setPreemptCount(0);
      }
      assertThat(rb).as("result").isEqualTo(ra);
      assertThat(b.state(obj)).as("state after the op").isEqualTo(a.state(obj));
    }
  }

  private static void flush(Random rnd, Side a, Side b, Seeds.OpLog log) {
    int kind = rnd.nextInt(4);
    int cpu = rnd.nextInt(a.m.cpus().count());
    long[] obj = a.objects.get(rnd.nextInt(a.objects.size()));
    long va = a.sys.perCpuPtr(obj[0], cpu);
    if (a.sys.localMapActive() && rnd.nextBoolean()) {
      va = a.sys.localAlias(obj[0]);
    }
    log.op("flush kind %d cpu%d va 0x%x", kind, cpu, va);
    for (Side s : new Side[] {a, b}) {
      switch (kind) {
        case 0: s.m.cpus().flushAll(); break;
        case 1: s.m.cpus().flushLocalAll(cpu); break;
        case 2: s.m.cpus().flushLocalVa(cpu, va); break;
        default: s.m.cpus().flushKernelRange(va, obj[1]); break;
      }
    }
  }

  /** A scheduler that sometimes migrates the task at a preemption point. */
  private static PreemptionHook migrating(Machine m, Random rnd) {
    return (cpu, next) -> rnd.nextInt(4) == 0 ? m.cpu(rnd.nextInt(m.cpus().count())) : cpu;
  }

  @ParameterizedTest(name = "{0} {1} localMap={2}")
  @MethodSource("configs")
  void fusedPathAgreesWithTheMicroOpLoop(String arch, String variant, String localMap) {
    Seeds.run(SEEDS, (rnd, log) -> {
      int tlbEntries = new int[] {0, 0, 4, 16}[rnd.nextInt(4)];
      log.op("boot %s %s localMap=%s tlb.entries=%d", arch, variant, localMap, tlbEntries);
      exercise(rnd, log, settings(arch, variant, localMap, tlbEntries), false);
    });
  }

  @ParameterizedTest(name = "{0} {1} localMap={2}")
  @MethodSource("configs")
  void withAPreemptionHookBothRunTheLoopAndAgree(String arch, String variant, String localMap) {
    Seeds.run(2, (rnd, log) -> {
      log.op("boot %s %s localMap=%s with a migrating hook", arch, variant, localMap);
      exercise(rnd, log, settings(arch, variant, localMap, 0), true);
    });
  }

  private static MicroOp micro(Random rnd, Effect e) {
    CostClass[] cs = CostClass.values();
    return new MicroOp(e.name().toLowerCase(java.util.Locale.ROOT), cs[rnd.nextInt(cs.length)], e);
  }

  /**
   * A random sequence in the shapes backends use (protection, address, one access pattern,
   * count-only micro-ops anywhere) or half an LL/SC pair, sometimes with one micro-op dropped, duplicated or inserted
   * (shapes the fused path must refuse or still run exactly).
   */
  private static MicroOp[] synthetic(Random rnd, boolean local) {
    List<MicroOp> l = new ArrayList<>();
    int inc = rnd.nextInt(3);
    boolean irq = rnd.nextInt(3) == 0;
    for (int i = 0; i < inc; i++) {
      l.add(micro(rnd, Effect.PREEMPT_INC));
    }
    if (irq) {
      l.add(rnd.nextInt(l.size() + 1), micro(rnd, Effect.IRQ_SAVE));
    }
    if (local) {
      l.add(micro(rnd, Effect.ADDR_LOCAL));
    } else {
      l.add(micro(rnd, Effect.READ_OFFSET));
      l.add(micro(rnd, Effect.ADDR_GLOBAL));
    }
    boolean compute = rnd.nextBoolean();
    switch (rnd.nextInt(8)) {
      case 0: l.add(micro(rnd, Effect.LOAD)); break;
      case 1: l.add(micro(rnd, Effect.STORE)); break;
      case 2: l.add(micro(rnd, Effect.ATOMIC_RMW)); break;
      // half an LL/SC pair: the monitor a lone load-exclusive leaves armed is seen by a later
      // lone store-exclusive on the same CPU
      case 3: l.add(micro(rnd, Effect.LOAD_EXCLUSIVE)); break;
      case 4: l.add(micro(rnd, Effect.STORE_EXCLUSIVE)); break;
      default: {
        int k = rnd.nextInt(3);
        l.add(micro(rnd, k == 1 ? Effect.LOAD_EXCLUSIVE : Effect.LOAD));
        if (compute) {
          l.add(micro(rnd, Effect.COMPUTE));
        }
        l.add(micro(rnd, k == 0 ? Effect.STORE : k == 1 ? Effect.STORE_EXCLUSIVE
            : Effect.CAS_RETRY));
        break;
      }
    }
    int dec = rnd.nextInt(inc + 1);
    for (int i = 0; i < dec; i++) {
      l.add(micro(rnd, Effect.PREEMPT_DEC_CHECK));
    }
    if (irq) {
      l.add(micro(rnd, Effect.IRQ_RESTORE));
    }
    for (int i = rnd.nextInt(6); i > 0; i--) {
      l.add(rnd.nextInt(l.size() + 1), micro(rnd, Effect.NONE));
    }
    int mutation = rnd.nextInt(8);
    int at = rnd.nextInt(l.size());
    if (mutation == 0) {
      l.remove(at);
    } else if (mutation == 1) {
      l.add(at, l.get(at));
    } else if (mutation == 2) {
      Effect[] quiet = {Effect.PREEMPT_INC, Effect.PREEMPT_DEC_CHECK, Effect.IRQ_SAVE,
          Effect.IRQ_RESTORE, Effect.READ_OFFSET, Effect.ADDR_GLOBAL, Effect.COMPUTE, Effect.LOAD};
      l.add(at, micro(rnd, quiet[rnd.nextInt(quiet.length)]));
    }
    return l.toArray(new MicroOp[0]);
  }

  @ParameterizedTest(name = "{0} {1} localMap={2}")
  @MethodSource("configs")
  void syntheticSequencesAgree(String arch, String variant, String localMap) {
    int[] fused = {0};
    Seeds.run(2, (rnd, log) -> {
      Map<String, String> settings = settings(arch, variant, localMap, 0);
      Side a = new Side(settings, true);
      Side b = new Side(settings, false);
      for (int k = 0; k < 6; k++) {
        allocate(rnd, a, b, log);
      }
      boolean localMode = localMap.equals("on");
      for (int n = 0; n < OPS; n++) {
        boolean local = localMode && rnd.nextBoolean();
        MicroOp[] seq = synthetic(rnd, local);
        long[] obj = a.objects.get(rnd.nextInt(a.objects.size()));
        ThisCpuOp op = OP_VALUES[rnd.nextInt(OP_VALUES.length)];
        int size = SIZES[rnd.nextInt(SIZES.length)];
        int cpu = rnd.nextInt(a.m.cpus().count());
        long off = rnd.nextInt(8) == 0 ? rnd.nextInt((int) (obj[1] - size + 1))
            : (long) rnd.nextInt((int) (obj[1] / size)) * size;
        long ptr = obj[0] + off;
        long value = value(rnd);
        long operand2 = value(rnd);
        boolean irqsOff = rnd.nextInt(8) == 0;
        if (a.exec.compile(seq).fused()) {
          fused[0]++;
        }
        log.op("cpu%d %s_%d 0x%x 0x%x 0x%x irqsOff=%s %s", cpu, op.kernelName(), size, ptr,
            value, operand2, irqsOff, java.util.Arrays.toString(seq));
        String[] res = new String[2];
        for (Side s : new Side[] {a, b}) {
          Cpu c = s.m.cpu(cpu);
          c.setIrqsEnabled(!irqsOff);
          try {
            res[s == a ? 0 : 1] = "= " + Long.toHexString(
                s.exec.execute(c, op, seq, ptr, value, operand2, size));
          } catch (RuntimeException e) {
            res[s == a ? 0 : 1] = "threw " + e.getClass().getSimpleName() + ": "
                + e.getMessage();
          }
        }
        assertThat(res[1]).as("result").isEqualTo(res[0]);
        assertThat(b.state(obj)).as("state after the sequence").isEqualTo(a.state(obj));
        for (Side s : new Side[] {a, b}) {
          s.m.cpu(cpu).setPreemptCount(0);
          s.m.cpu(cpu).setIrqsEnabled(true);
        }
      }
    });
    assertThat(fused[0]).as("synthetic sequences that ran fused").isGreaterThan(OPS);
  }

  private static boolean touchesPrivatePage(MicroOp[] seq) {
    for (MicroOp x : seq) {
      switch (x.effect()) {
        case PRIVATE_LOAD: case PRIVATE_STORE: case PRIVATE_PREEMPT_INC: case PRIVATE_PREEMPT_DEC:
        case PRIVATE_PREEMPT_DEC_CHECK:
          return true;
        default:
          break;
      }
    }
    return false;
  }

  @ParameterizedTest(name = "{0} {1} localMap={2}")
  @MethodSource("configs")
  void everyBackendSequenceIsFused(String arch, String variant, String localMap) {
    Machine m = TestMachines.boot(settings(arch, variant, localMap, 0));
    OpMode mode = mode(localMap);
    assertThat(m.access()).as("the machine runs the configured access").isEqualTo(mode);
    OpSequences ops = m.model().ops();
    int fused = 0;
    int privatePage = 0;
    for (ThisCpuOp op : OP_VALUES) {
      for (OpForm form : FORMS) {
        for (int size : SIZES) {
          MicroOp[] seq = ops.sequence(op, size, form, mode);
          boolean fusedSeq = m.executor().compile(seq).fused();
          if (touchesPrivatePage(seq)) {
            // private-page's count accesses are translated one by one: the loop runs them
            assertThat(fusedSeq).as("private-page sequences run the loop").isFalse();
            privatePage++;
          } else if (fusedSeq) {
            fused++;
          }
        }
      }
    }
    assertThat(privatePage).as("this_cpu_* private-page sequences")
        .isEqualTo(mode == OpMode.PRIVATE_PAGE ? OP_VALUES.length * SIZES.length : 0);
    assertThat(fused).as("sequences the fused path covers")
        .isEqualTo(OP_VALUES.length * FORMS.length * SIZES.length - privatePage);
  }

  @Test
  void shapesOutsideTheFusedOnesTakeTheLoop() {
    Machine m = TestMachines.boot(settings("arm64", "lse", "off", 0));
    MicroOpExecutor x = m.executor();
    MicroOp off = new MicroOp("mrs", CostClass.SYSREG_READ, Effect.READ_OFFSET);
    MicroOp addr = new MicroOp("add", CostClass.ALU, Effect.ADDR_GLOBAL);
    MicroOp ld = new MicroOp("ldr", CostClass.LOAD, Effect.LOAD);
    MicroOp st = new MicroOp("str", CostClass.STORE, Effect.STORE);
    MicroOp dec = new MicroOp("dec", CostClass.STORE, Effect.PREEMPT_DEC_CHECK);
    assertThat(x.compile(new MicroOp[] {off, addr, ld, st}).fused()).isTrue();
    assertThat(x.compile(new MicroOp[] {addr, ld, st}).fused())
        .as("address without an offset read").isFalse();
    assertThat(x.compile(new MicroOp[] {off, addr, ld, st, st}).fused())
        .as("two stores").isFalse();
    assertThat(x.compile(new MicroOp[] {off, addr, ld, st, dec}).fused())
        .as("preempt_enable without preempt_disable").isFalse();
    assertThat(x.compile(new MicroOp[] {off, addr}).fused())
        .as("no access").isFalse();
  }
}
