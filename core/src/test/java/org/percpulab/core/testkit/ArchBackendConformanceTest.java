package org.percpulab.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.LocalMapContract;
import org.percpulab.core.machine.LocalMapGate;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.pgtable.WalkResult;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.DescriptorFormat;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.spi.VaLayout;

/**
 * The conformance kit every backend's tests extend (Trino's connector test bases, the kernel's
 * mm/debug_vm_pgtable.c): one body of checks run over each configuration (geometry) the subclass
 * lists. Subclasses supply {@link #backendId()} and {@link #configs()}; override {@link #backend()}
 * for a backend not registered with ServiceLoader.
 *
 * <p>Checks: descriptor identities at every level, geometry and layout sanity, every op sequence
 * well formed per the {@link org.percpulab.core.spi.OpSequences} contract and semantically right
 * when executed, boot with the local map on (if selected) and off with {@code verifyConsistent},
 * map/walk round trips, seeded-random map/unmap sequences against a shadow (verifyConsistent after
 * every mutation, walk agrees, table pages back to the baseline after freeing), and injected
 * allocation failures that must leave every mapping as it was with no table page leaked; the
 * local-map contract ({@link LocalMapContract}) with the gate off, auto and force; where the
 * backend has ptdump tables, ptdump_check_wx passes at boot and counts one planted W+X page. The percpu half
 * (percpu objects, every this_cpu op via the global address and the local alias on several CPUs,
 * per-CPU table diffs, a short workload) is inherited from {@link PercpuConformanceTest} and runs
 * when mm-percpu's {@link PercpuKit} is on the test classpath (else it is reported as skipped).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ArchBackendConformanceTest extends PercpuConformanceTest {

  /** Seeded cases per configuration for the random map/unmap property. */
  protected int propertyCases() {
    return 4;
  }

  /** Ops per seeded case. */
  protected int propertyOps() {
    return 40;
  }

  // ---- the local-map contract ----

  /**
   * The {@link LocalPerCpuMap} contract ({@link LocalMapContract}) with the gate off and, where the
   * backend selects the feature, active: each broken rule is one line naming it and the fix.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void localMapContractHolds(String label, Map<String, String> c) {
    for (String lm : List.of("off", "auto", "force")) {
      Map<String, String> s = new HashMap<>(c);
      s.put("percpu.localMap", lm);
      ConfigView v = view(s);
      org.percpulab.core.spi.MachineTopology topo =
          org.percpulab.core.machine.MachineSettings.from(v).topology();
      LocalMapGate gate;
      try {
        gate = LocalMapGate.decide(backend(), topo, lm);
      } catch (IllegalArgumentException e) {
        continue;
      }
      ArchModel model = backend().configure(v, gate.decision());
      List<String> broken = new ArrayList<>();
      for (LocalMapContract.Violation x : LocalMapContract.violations(backend(), model,
          gate.withModel(model), v, topo)) {
        broken.add(x.message());
      }
      assertThat(broken).as("%s percpu.localMap=%s: local-map contract", label, lm).isEmpty();
    }
  }

  // ---- descriptors ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void descriptorIdentities(String label, Map<String, String> c) {
    ArchBackend b = backend();
    assertThat(b.validate(view(c))).as("validate %s", label).isEmpty();
    ArchModel m = b.configure(view(c));
    Geometry g = m.geometry();
    DescriptorFormat f = m.descriptors();
    Random rnd = new Random(label.hashCode());
    for (int l = 0; l < g.levels(); l++) {
      assertThat(f.isValid(l, f.none())).as("none is invalid at level %d", l).isFalse();
      assertThat(f.isLeaf(l, f.none()) || f.isTable(l, f.none())).as("none level %d", l).isFalse();
      for (int k = 0; k < 16; k++) {
        long pa = (rnd.nextLong() & ((1L << 40) - 1)) & -g.entrySize(l);
        long tpa = (rnd.nextLong() & ((1L << 40) - 1)) & -Math.max(g.pageSize(), g.tableBytes(0));
        if (l < g.levels() - 1) {
          long t = f.table(l, tpa);
          assertThat(f.isValid(l, t)).as("table valid L%d", l).isTrue();
          assertThat(f.isTable(l, t)).as("table is table L%d", l).isTrue();
          assertThat(f.isLeaf(l, t)).as("table not leaf L%d", l).isFalse();
          assertThat(f.address(l, t)).as("DescriptorFormat.address(%d, table(%d, pa)) must return "
              + "pa (table address round trip L%d)", l, l, l).isEqualTo(tpa);
        }
        if (l == g.levels() - 1 || g.blockAllowed(l)) {
          for (ProtKind p : ProtKind.values()) {
            long d = f.leaf(l, pa, f.prot(p));
            assertThat(f.isValid(l, d)).as("leaf valid L%d %s", l, p).isTrue();
            assertThat(f.isLeaf(l, d)).as("leaf is leaf L%d %s", l, p).isTrue();
            assertThat(f.isTable(l, d)).as("leaf not table L%d %s", l, p).isFalse();
            assertThat(f.address(l, d)).as("DescriptorFormat.address(%d, leaf(%d, pa, %s)) must return "
                + "pa (leaf address round trip L%d)", l, l, p, l).isEqualTo(pa);
            assertThat(f.protOf(l, d)).as("prot round trip L%d %s", l, p).isEqualTo(f.prot(p));
            assertThat(f.describe(l, d)).as("describe L%d", l).isNotBlank();
          }
        }
      }
    }
  }

  // ---- geometry ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void geometryIsConsistent(String label, Map<String, String> c) {
    Geometry g = backend().configure(view(c)).geometry();
    int n = g.levels();
    assertThat(n).as("levels").isBetween(2, 5);
    assertThat(g.shift(n - 1)).as("last level maps a page").isEqualTo(g.pageShift());
    for (int l = 0; l < n - 1; l++) {
      assertThat(g.shift(l)).as("shift of level %d", l)
          .isEqualTo(g.shift(l + 1) + Integer.numberOfTrailingZeros(g.entries(l + 1)));
    }
    assertThat(g.shift(0) + Integer.numberOfTrailingZeros(g.entries(0))).as("index covers VA bits")
        .isEqualTo(g.vaBits());
    assertThat(g.blockAllowed(n - 1)).as("pages at the last level").isTrue();
    assertThat(backend().supportedGeometries()).as("supported geometries").isNotEmpty();
  }

  /**
   * ArchBackend#supportedGeometries: the first entry is the geometry of the default config; a
   * model that says why it chose its geometry (GeometryChoice) says it in one line.
   */
  @org.junit.jupiter.api.Test
  void defaultGeometryIsListedFirst() {
    ArchModel m = backend().configure(view(Map.of()));
    assertThat(m.geometry()).as("default config's geometry")
        .isEqualTo(backend().supportedGeometries().get(0));
    for (Map<String, String> c : configs()) {
      backend().configure(view(c)).capability(org.percpulab.core.spi.GeometryChoice.class)
          .ifPresent(gc -> assertThat(gc.reason()).as("geometry reason").isNotBlank()
              .doesNotContain("\n"));
    }
  }

  // ---- layout ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void layoutIsSane(String label, Map<String, String> c) {
    ArchModel m = backend().configure(view(c));
    VaLayout l = m.layout();
    List<Region> rs = l.regions();
    assertThat(rs).as("regions").isNotEmpty();
    for (int i = 0; i < rs.size(); i++) {
      Region r = rs.get(i);
      assertThat(r.end() == 0 || Long.compareUnsigned(r.start(), r.end()) < 0)
          .as("region %s non-empty", r).isTrue();
      if (i > 0) {
        Region p = rs.get(i - 1);
        assertThat(p.end() != 0 && Long.compareUnsigned(p.end(), r.start()) <= 0)
            .as("%s sorted before and not overlapping %s", p, r).isTrue();
      }
    }
    assertThat(rs.stream().anyMatch(r -> r.contains(l.vmallocStart()))).as("vmalloc start in a region")
        .isTrue();
    assertThat(l.vmallocEnd() == 0 || Long.compareUnsigned(l.vmallocStart(), l.vmallocEnd()) < 0)
        .as("vmalloc non-empty").isTrue();
    assertThat(l.physToVirt(l.physOffset())).as("PHYS_OFFSET maps to PAGE_OFFSET")
        .isEqualTo(l.pageOffset());
    Optional<LocalPerCpuMap> cap = m.capability(LocalPerCpuMap.class);
    if (cap.isPresent()) {
      Region la = cap.get().localArea();
      Geometry g = m.geometry();
      int pl = cap.get().privateLevel();
      assertThat(pl).as("private level").isBetween(0, g.levels() - 2);
      long esz = g.entrySize(pl);
      for (int lv = 0; lv < pl; lv++) {
        assertThat(la.start() & -g.entrySize(lv)).as("local area inside one level-%d entry", lv)
            .isEqualTo((la.end() - 1) & -g.entrySize(lv));
      }
      long first = la.start() & -esz;
      long last = ((la.end() - 1) & -esz) + esz - 1;
      for (Region r : rs) {
        if (r.equals(la) || Long.compareUnsigned(r.start(), la.start()) == 0) {
          continue;
        }
        long rl = (r.end() == 0 ? 0 : r.end()) - 1;
        assertThat(Long.compareUnsigned(rl, first) < 0 || Long.compareUnsigned(r.start(), last) > 0)
            .as("region %s shares no level-%d entry with the local area %s", r, pl, la).isTrue();
      }
      long budget = cap.get().packedRegionBudget();
      assertThat(budget).as("packedRegionBudget >= 0").isNotNegative();
      assertThat(budget % g.pageSize()).as("packedRegionBudget page aligned").isZero();
      assertThat(Long.compareUnsigned(budget, la.start() - l.vmallocStart()) <= 0)
          .as("packedRegionBudget %d within the vmalloc space below the local area", budget)
          .isTrue();
    }
  }

  // ---- op sequences ----

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void opSequencesAreWellFormed(String label, Map<String, String> c) {
    ArchModel m = backend().configure(view(c));
    boolean local = m.capability(LocalPerCpuMap.class).isPresent();
    assertThat(backend().accesses()).as("accesses include offset").contains(OpMode.BASELINE);
    for (OpMode mode : OpMode.values()) {
      if (mode == OpMode.LOCAL_MAP && !local || !backend().accesses().contains(mode)) {
        assertThatThrownBy(() -> m.ops().sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, mode))
            .as(mode + " not supported").isInstanceOf(IllegalArgumentException.class);
        continue;
      }
      assertThatThrownBy(() -> m.ops().sequence(ThisCpuOp.ADD, 3, OpForm.THIS_CPU, mode))
          .as("size 3").isInstanceOf(IllegalArgumentException.class);
      for (ThisCpuOp op : ThisCpuOp.values()) {
        for (int size : new int[] {1, 2, 4, 8}) {
          for (OpForm form : OpForm.values()) {
            checkSequence(m.ops().sequence(op, size, form, mode), op, size, form, mode);
          }
        }
      }
    }
  }

  private static void checkSequence(MicroOp[] s, ThisCpuOp op, int size, OpForm form, OpMode mode) {
    String what = form.prefix() + op.kernelName() + "_" + size + " " + mode;
    assertThat(s).as(what).isNotEmpty();
    int addrAt = -1;
    int readOff = -1;
    int preempt = 0;
    int irq = 0;
    boolean protectedStore = false;
    int commits = 0;
    boolean loadEx = false;
    boolean load = false;
    int marker = 0;
    int region = 0;
    for (int i = 0; i < s.length; i++) {
      Effect e = s[i].effect();
      assertThat(s[i].mnemonic()).as(what + " mnemonic").isNotBlank();
      if (e == Effect.SEG_LOAD || e == Effect.SEG_STORE || e == Effect.SEG_RMW) {
        assertThat(mode).as(what + ": SEG_* only in segment").isEqualTo(OpMode.SEGMENT);
        addrAt = i;
        e = e == Effect.SEG_LOAD ? Effect.LOAD : e == Effect.SEG_STORE ? Effect.STORE
            : Effect.ATOMIC_RMW;
      }
      switch (e) {
        case READ_OFFSET -> readOff = i;
        case ADDR_GLOBAL -> {
          assertThat(mode == OpMode.LOCAL_MAP && form == OpForm.THIS_CPU)
              .as(what + ": this_cpu_* in local map use the alias").isFalse();
          assertThat(readOff).as(what + ": READ_OFFSET before ADDR_GLOBAL").isGreaterThanOrEqualTo(0);
          addrAt = i;
        }
        case ADDR_LOCAL -> {
          assertThat(mode).as(what + ": ADDR_LOCAL only in local map").isEqualTo(OpMode.LOCAL_MAP);
          addrAt = i;
        }
        case PREEMPT_INC -> preempt++;
        case PREEMPT_DEC_CHECK, PREEMPT_DEC -> preempt--;
        case PRIVATE_PREEMPT_INC -> {
          assertThat(mode).as(what + ": the private page only in private-page")
              .isEqualTo(OpMode.PRIVATE_PAGE);
          preempt++;
        }
        case PRIVATE_PREEMPT_DEC_CHECK, PRIVATE_PREEMPT_DEC -> preempt--;
        case PRIVATE_LOAD, PRIVATE_STORE -> assertThat(mode)
            .as(what + ": the private page only in private-page").isEqualTo(OpMode.PRIVATE_PAGE);
        case IRQ_SAVE -> irq++;
        case IRQ_RESTORE -> irq--;
        case MARKER_SET -> {
          assertThat(mode).as(what + ": markers only in marker-fixup")
              .isEqualTo(OpMode.MARKER_FIXUP);
          marker++;
        }
        case MARKER_CLEAR -> marker--;
        case RESTART_BEGIN -> {
          assertThat(mode).as(what + ": regions only in restart").isEqualTo(OpMode.RESTART);
          region++;
        }
        case RESTART_END -> region--;
        case LOAD, STORE, ATOMIC_RMW, LOAD_EXCLUSIVE, STORE_EXCLUSIVE, CAS_RETRY -> {
          assertThat(addrAt).as(what + ": address formed before " + s[i].mnemonic())
              .isGreaterThanOrEqualTo(0);
          if (e == Effect.LOAD) {
            load = true;
          }
          if (e == Effect.LOAD_EXCLUSIVE) {
            loadEx = true;
          }
          if (e == Effect.STORE_EXCLUSIVE) {
            assertThat(loadEx).as(what + ": STORE_EXCLUSIVE after LOAD_EXCLUSIVE").isTrue();
          }
          if (e == Effect.CAS_RETRY) {
            assertThat(load || loadEx).as(what + ": CAS_RETRY after a LOAD").isTrue();
          }
          if (e == Effect.STORE || e == Effect.ATOMIC_RMW || e == Effect.STORE_EXCLUSIVE
              || e == Effect.CAS_RETRY) {
            commits++;
            if (e == Effect.STORE) {
              protectedStore = preempt > 0 || irq > 0 || region > 0;
            }
          }
        }
        default -> { }
      }
      assertThat(preempt).as(what + ": preempt count never negative").isGreaterThanOrEqualTo(0);
      assertThat(irq).as(what + ": irq save/restore nesting").isGreaterThanOrEqualTo(0);
    }
    assertThat(addrAt).as(what + ": forms an address").isGreaterThanOrEqualTo(0);
    assertThat(preempt).as(what + ": preempt inc/dec balanced").isZero();
    assertThat(irq).as(what + ": irq save/restore balanced").isZero();
    assertThat(marker).as(what + ": markers balanced").isZero();
    assertThat(region).as(what + ": regions closed").isZero();
    if (op.isRmw()) {
      assertThat(commits).as(what + ": exactly one committing access").isEqualTo(1);
      boolean plainStore = java.util.Arrays.stream(s).anyMatch(x -> x.effect() == Effect.STORE);
      if (plainStore && form == OpForm.THIS_CPU) {
        assertThat(protectedStore).as(what + ": plain RMW store inside protection").isTrue();
      }
    } else if (op == ThisCpuOp.WRITE) {
      assertThat(commits).as(what + ": a write stores").isGreaterThanOrEqualTo(1);
    }
  }

  /**
   * A 2-CPU machine with {@code percpu.access=private-page}: its CPUs have the CPU-private page
   * the PRIVATE_* micro-ops reach (CpuPrivatePage).
   */
  private Machine bootPrivatePage(Map<String, String> c) {
    Map<String, String> s = new java.util.HashMap<>(c);
    s.put("percpu.access", OpMode.PRIVATE_PAGE.accessName());
    s.put("percpu.localMap", "off");
    s.put("cpus", "2");
    Machine m = TestMachines.boot(backend(), s);
    assertThat(m.privatePageBytes()).as("private-page: one page per CPU")
        .isEqualTo(2 * m.geometry().pageSize());
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void opSequencesComputeTheKernelsResult(String label, Map<String, String> c) {
    for (OpMode mode : OpMode.values()) {
      boolean local = mode == OpMode.LOCAL_MAP;
      if (local && !selected(c) || !backend().accesses().contains(mode)) {
        continue;
      }
      Machine m = mode == OpMode.PRIVATE_PAGE ? bootPrivatePage(c)
          : boot(c, local ? "force" : "off", 2);
      Cpu cpu = m.cpu(1);
      long pfn = m.allocator().allocPage(PagePurpose.other());
      long pa = pfn << m.geometry().pageShift();
      long ptr;
      if (local) {
        long la = m.kpt().localArea().start();
        assertThat(m.kpt().mapPrivatePages(1, la, new long[] {pfn}, 0, 1,
            m.model().descriptors().prot(ProtKind.KERNEL))).as("map local page").isGreaterThanOrEqualTo(0);
        ptr = 0x1000;
        m.cpus().setPerCpuLocalOff(la - ptr);
        // __this_cpu_*/raw_cpu_* may keep the offset register (percpu.localForms=this_cpu)
        cpu.setPerCpuOffset(la - ptr);
      } else {
        long va = m.layout().physToVirt(pa);
        if (m.linearMap() == null || !m.linearMap().contains(va)) {
          continue;
        }
        cpu.setPerCpuOffset(0x10000);
        ptr = va - 0x10000;
      }
      for (OpForm form : OpForm.values()) {
        for (int size : new int[] {1, 2, 4, 8}) {
          long mask = size == 8 ? -1L : (1L << (8 * size)) - 1;
          for (ThisCpuOp op : ThisCpuOp.values()) {
            for (int round = 0; round < 3; round++) {
              // round 0: fixed values with a compare hit; rounds 1-2: seeded random values, the
              // compare of cmpxchg hits or misses at random (seed printed in the description).
              java.util.Random rnd = new java.util.Random(31L * size + 7L * op.ordinal() + round);
              long v0 = (round == 0 ? 0x8070605040302010L : rnd.nextLong()) & mask;
              long a = (round == 0 ? 0x0102030405060708L : rnd.nextLong()) & mask;
              long b = (round == 0 ? 0x1111111111111111L : rnd.nextLong()) & mask;
              boolean isCmp = op == ThisCpuOp.CMPXCHG || op == ThisCpuOp.TRY_CMPXCHG;
              boolean cmpHit = isCmp && (round == 0 || rnd.nextBoolean());
              long operand = cmpHit ? v0 : (isCmp && a == v0 ? a ^ 1 : a);
              m.mem().write(pa, size, v0);
              MicroOp[] seq = m.model().ops().sequence(op, size, form, mode);
              String what = form.prefix() + op.kernelName() + "_" + size + " " + mode + " " + label
                  + " round " + round + " v0 " + Long.toHexString(v0) + " a "
                  + Long.toHexString(operand) + " b " + Long.toHexString(b);
              long r = m.executor().execute(cpu, op, seq, ptr, operand, b, size);
              long expMem = memoryAfter(op, v0, a, b, cmpHit, mask);
              assertThat(m.mem().read(pa, size)).as(what + " memory").isEqualTo(expMem);
              Long expRet = switch (op) {
                case READ, XCHG, CMPXCHG -> v0;
                case ADD_RETURN -> (v0 + a) & mask;
                case TRY_CMPXCHG -> cmpHit ? 1L : 0L;
                default -> null;
              };
              if (expRet != null) {
                assertThat(r).as(what + " result").isEqualTo(expRet);
              }
              assertThat(cpu.preemptCount()).as(what + " preempt count restored").isZero();
              assertThat(cpu.irqsEnabled()).as(what + " irqs restored").isTrue();
            }
          }
        }
      }
      assertThat(m.executor().instructions()).as("instructions counted").isPositive();
      assertThat(m.executor().cycles()).as("cycles counted").isPositive();
    }
  }

  // ---- boot ----

  /**
   * A backend that does not select HAVE_LOCAL_PER_CPU_MAP pays nothing: with the gate on auto,
   * every CPU runs on swapper, no per-CPU table exists, and the gate names the reason; at 4 and 160
   * CPUs on the first config.
   */
  @org.junit.jupiter.api.Test
  void withoutTheFeatureEveryCpuRunsOnSwapper() {
    Map<String, String> c = configs().get(0);
    org.junit.jupiter.api.Assumptions.assumeFalse(selected(c), "backend selects the local map");
    for (int cpus : new int[] {4, 160}) {
      Machine m = boot(c, "auto", cpus);
      m.verifyConsistent();
      assertThat(m.localMapActive()).as("cpus %d", cpus).isFalse();
      assertThat(m.gate().reason())
          .isEqualTo("backend " + backendId() + " does not select HAVE_LOCAL_PER_CPU_MAP");
      assertThat(m.allocator().perCpuTablePages()).isZero();
      assertThat(m.cpus().count()).isEqualTo(cpus);
      for (int i = 0; i < cpus; i++) {
        assertThat(m.cpu(i).translationBase()).as("cpu %d", i).isEqualTo(m.kpt().swapperPgd());
      }
      assertThat(m.cpu(cpus - 1).translate(m.linearMap().start() + 0x12345))
          .isEqualTo(m.layout().physOffset() + 0x12345);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void bootsWithLocalMapOnAndOff(String label, Map<String, String> c) {
    Machine off = boot(c, "off", 4);
    off.verifyConsistent();
    assertThat(off.localMapActive()).as("off").isFalse();
    assertThat(off.allocator().perCpuTablePages()).as("no per-CPU tables when off").isZero();
    for (int i = 0; i < 4; i++) {
      assertThat(off.cpu(i).translationBase()).as("cpu %d runs swapper", i)
          .isEqualTo(off.kpt().swapperPgd());
    }
    PageTableChecks.assertTablesReachable(off);
    if (selected(c)) {
      Machine on = boot(c, "auto", 4);
      assertThat(on.localMapActive()).as("auto on a selecting backend").isTrue();
      on.verifyConsistent();
      assertThat(on.allocator().sharedTablePages()).as("shared tables same as off")
          .isEqualTo(off.allocator().sharedTablePages());
      long path = 0;
      for (int lv = 0; lv <= on.kpt().privateLevel(); lv++) {
        long pages = 1L << on.engine().tableOrder(lv);
        assertThat(on.allocator().perCpuTablePages(lv)).as("one level-%d path table per CPU", lv)
            .isEqualTo(4 * pages);
        path += pages;
      }
      assertThat(on.allocator().perCpuTablePages()).as("only the path tables per CPU at boot")
          .isEqualTo(4 * path);
      for (int i = 0; i < 4; i++) {
        assertThat(on.cpu(i).translationBase()).as("cpu %d base", i).isEqualTo(on.kpt().pgdOf(i));
      }
      PageTableChecks.assertTablesReachable(on);
    }
  }

  /**
   * A backend with {@link org.percpulab.core.spi.PtdumpTables} has a working ptdump_check_wx: the
   * booted machine passes (no kernel mapping is writable and executable), and one PAGE_KERNEL_EXEC
   * page mapped in the middle of vmalloc makes the last line report exactly one W+X page.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void checkWxPassesAtBootAndCountsOneWriteExecPage(String label, Map<String, String> c) {
    Machine m = boot(c, "auto", 2);
    org.junit.jupiter.api.Assumptions.assumeTrue(
        m.model().capability(org.percpulab.core.spi.PtdumpTables.class).isPresent(),
        "backend has no ptdump tables");
    List<String> ok = CheckWxProbe.checkWx(m, 1);
    assertThat(ok.get(ok.size() - 1)).as("boot")
        .startsWith("Checked W+X mappings: passed, no W+X pages found");
    VaLayout l = m.layout();
    long va = (l.vmallocStart() + (l.vmallocEnd() - l.vmallocStart()) / 2)
        & -m.geometry().pageSize();
    assertThat(CheckWxProbe.mapWriteExecPage(m, va)).as("map 0x%x", va).isNotNegative();
    List<String> bad = CheckWxProbe.checkWx(m, 1);
    assertThat(bad.get(bad.size() - 1)).as("after one W+X page")
        .startsWith("Checked W+X mappings: FAILED, 1 W+X pages found");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void mapWalkRoundTrip(String label, Map<String, String> c) {
    Machine m = boot(c, selected(c) ? "auto" : "off", 4);
    KernelPageTables k = m.kpt();
    long[] w = window(m);
    long ps = m.geometry().pageSize();
    long[] pfns = new long[3];
    for (int i = 0; i < 3; i++) {
      pfns[i] = m.allocator().allocPage(PagePurpose.vmalloc());
    }
    long prot = m.model().descriptors().prot(ProtKind.KERNEL);
    int r = k.mapSharedPages(w[0], pfns, 0, 3, prot);
    assertThat(r).as("map result").isGreaterThanOrEqualTo(0);
    assertThat(r & m.engine().modBit(m.geometry().levels() - 1)).as("PTE bit").isNotZero();
    m.verifyConsistent();
    for (int cpu = 0; cpu < 4; cpu++) {
      for (int i = 0; i < 3; i++) {
        WalkResult wr = m.engine().walk(k.pgdOf(cpu), w[0] + i * ps + 8);
        assertThat(wr).as("cpu %d page %d", cpu, i).isInstanceOf(WalkResult.Translation.class);
        WalkResult.Translation t = (WalkResult.Translation) wr;
        assertThat(t.pa()).as("pa").isEqualTo((pfns[i] << m.geometry().pageShift()) + 8);
        assertThat(t.prot()).as("prot").isEqualTo(prot);
        assertThat(t.steps()).as("levels read").hasSize(m.geometry().levels());
        assertThat(m.cpu(cpu).translate(w[0] + i * ps + 8)).as("cpu translate").isEqualTo(t.pa());
      }
    }
    assertThat(k.mapSharedPages(w[0] + ps, pfns, 0, 1, prot)).as("remap").isEqualTo(
        PageTableEngine.EBUSY);
    k.unmapShared(w[0], 3 * ps);
    m.cpus().flushKernelRange(w[0], 3 * ps);
    m.verifyConsistent();
    assertThat(m.engine().walk(k.swapperPgd(), w[0])).isInstanceOf(WalkResult.Fault.class);
    assertThat(m.cpu(2).translate(w[0])).as("fault after unmap").isEqualTo(Cpu.FAULT);
    if (k.localMapActive()) {
      long la = k.localArea().start();
      long[] own = new long[4];
      for (int cpu = 0; cpu < 4; cpu++) {
        own[cpu] = m.allocator().allocPage(PagePurpose.percpu(cpu));
        assertThat(k.mapPrivatePages(cpu, la, own, cpu, 1, prot)).as("private map cpu %d", cpu)
            .isGreaterThanOrEqualTo(0);
        m.verifyConsistent();
      }
      for (int cpu = 0; cpu < 4; cpu++) {
        assertThat(m.cpu(cpu).translate(la)).as("cpu %d sees its own page", cpu)
            .isEqualTo(own[cpu] << m.geometry().pageShift());
      }
      assertThat(m.engine().walk(k.swapperPgd(), la)).as("swapper has no local area")
          .isInstanceOf(WalkResult.Fault.class);
    }
    PageTableChecks.assertTablesReachable(m);
  }

  // ---- random property ----

  /**
   * A shared-VA window for random tests: {@code [w0, w0+w1)} = one whole entry at the highest level
   * that fits inside vmalloc after the kernel image, so freeing empty tables there is exact.
   */
  protected long[] window(Machine m) {
    Geometry g = m.geometry();
    VaLayout l = m.layout();
    long lo = l.vmallocStart();
    if (m.kernelImage() != null && m.kernelImage().contains(lo)) {
      lo = m.kernelImage().end();
    }
    long hi = l.vmallocEnd() - 1;
    for (int lv = 0; lv < g.levels() - 1; lv++) {
      long esz = g.entrySize(lv);
      long start = (lo + esz - 1) & -esz;
      if (Long.compareUnsigned(start, lo) >= 0 && Long.compareUnsigned(start + esz - 1, hi) <= 0
          && Long.compareUnsigned(start + esz - 1, start) > 0) {
        return new long[] {start, esz, lv};
      }
    }
    throw new AssertionError("no window in vmalloc " + Long.toHexString(lo));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void randomMapUnmapKeepsInvariants(String label, Map<String, String> c) {
    boolean sel = selected(c);
    Seeds.run(propertyCases(), (rnd, log) -> {
      boolean on = sel && rnd.nextBoolean();
      log.op("boot %s localMap=%s", label, on);
      runRandom(boot(c, on ? "auto" : "off", 4), rnd, log, false);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configCases")
  void injectedAllocationFailuresChangeNothing(String label, Map<String, String> c) {
    boolean sel = selected(c);
    Seeds.run(propertyCases(), (rnd, log) -> {
      boolean on = sel && rnd.nextBoolean();
      log.op("boot %s localMap=%s", label, on);
      runRandom(boot(c, on ? "auto" : "off", 4), rnd, log, true);
    });
  }

  private void runRandom(Machine m, Random rnd, Seeds.OpLog log, boolean inject) {
    KernelPageTables k = m.kpt();
    PageTableEngine e = m.engine();
    Geometry g = m.geometry();
    int ps = g.pageShift();
    long page = g.pageSize();
    long prot = m.model().descriptors().prot(ProtKind.KERNEL);
    long[] w = window(m);
    long hot = Math.min(w[1], 8 * g.entrySize(Math.max(0, g.levels() - 2)));
    long hotStart = w[0] + ((rnd.nextLong() >>> 1) % (w[1] / hot)) * hot;
    Region la = k.localMapActive() ? k.localArea() : null;
    long lhot = la == null ? 0 : Math.min(la.size(), 4 * g.entrySize(Math.max(0, g.levels() - 2)));
    // warm up ancestors above the freeable level so that the baseline is exact
    warm(m, w[0], -1);
    if (la != null) {
      for (int cpu = 0; cpu < 4; cpu++) {
        warm(m, la.start(), cpu);
      }
    }
    long baseShared = m.allocator().sharedTablePages();
    long basePerCpu = m.allocator().perCpuTablePages();
    long ramPages = m.mem().frames();
    KptShadow shadow = new KptShadow();
    for (int step = 0; step < propertyOps(); step++) {
      int kind = rnd.nextInt(10);
      boolean priv = la != null && rnd.nextInt(3) == 0;
      int cpu = priv ? rnd.nextInt(4) : -1;
      long base = priv ? la.start() : hotStart;
      long span = priv ? lhot : hot;
      if (kind < 6 || shadow.maps().isEmpty()) {
        boolean pages = rnd.nextBoolean();
        long npages = 1 + rnd.nextInt(pages ? 8 : 4);
        long size;
        long va;
        long pa = 0;
        long[] pfns = null;
        int maxShift = 63;
        if (pages) {
          size = npages * page;
          va = base + ((rnd.nextLong() >>> 1) % ((span - size) / page + 1)) * page;
          pfns = new long[(int) npages];
          for (int i = 0; i < npages; i++) {
            pfns[i] = m.allocator().allocPage(PagePurpose.vmalloc());
          }
        } else {
          int lv = g.levels() - 1 - rnd.nextInt(Math.min(2, g.levels()));
          long unit = g.entrySize(lv);
          if (unit * npages > span) {
            unit = page;
          }
          size = npages * unit;
          va = base + ((rnd.nextLong() >>> 1) % ((span - size) / unit + 1)) * unit;
          long room = (m.mem().bytes() - size) / unit;
          pa = m.mem().startPa() + ((rnd.nextLong() >>> 1) % Math.max(1, room)) * unit;
          maxShift = rnd.nextBoolean() ? 63 : ps;
        }
        KptShadow.Mapping q = new KptShadow.Mapping(cpu, va, size, pa, pfns);
        boolean overlaps = shadow.overlaps(q);
        List<PageTableChecks.Leaf> before = inject ? snapshot(m, w, la) : null;
        PageAllocatorState st = inject ? new PageAllocatorState(m) : null;
        int failAt = inject ? 1 + rnd.nextInt(3) : 0;
        if (inject) {
          m.allocator().failNth(failAt);
        }
        log.op("%s map%s cpu=%d va=0x%x size=0x%x pa=0x%x maxShift=%d%s", priv ? "private" : "shared",
            pages ? "Pages" : "Range", cpu, va, size, pa, maxShift,
            inject ? " failNth=" + failAt : "");
        int r = KptShadow.apply(k, q, prot, maxShift);
        m.allocator().clearFailures();
        log.op("  -> %d", r);
        m.verifyConsistent();
        if (overlaps) {
          assertThat(r).as("overlapping map").isIn(PageTableEngine.EBUSY, PageTableEngine.ENOMEM);
        }
        if (r < 0) {
          if (inject || r == PageTableEngine.EBUSY) {
            if (before != null) {
              assertThat(snapshot(m, w, la)).as("mappings unchanged after %d", r).isEqualTo(before);
              st.assertOnlyTablesAdded(m);
            }
          }
          assertThat(r == PageTableEngine.EBUSY ? overlaps : true).as("EBUSY only on overlap")
              .isTrue();
          if (pfns != null) {
            for (long p : pfns) {
              m.allocator().freePages(p, 0);
            }
          }
        } else {
          assertThat(overlaps).as("mapped although overlapping").isFalse();
          shadow.add(q);
        }
      } else if (kind < 9) {
        KptShadow.Mapping x = shadow.removeRandom(rnd);
        log.op("unmap cpu=%d va=0x%x size=0x%x", x.cpu(), x.va(), x.size());
        KptShadow.unmap(k, x);
        m.cpus().flushKernelRange(x.va(), x.size());
        if (x.pfns() != null) {
          for (long p : x.pfns()) {
            m.allocator().freePages(p, 0);
          }
        }
        m.verifyConsistent();
      } else {
        log.op("freeEmptyTables shared window");
        k.freeEmptyShared(w[0], w[1]);
        m.verifyConsistent();
      }
      // walks agree with the shadow
      for (KptShadow.Mapping x : shadow.maps()) {
        long[] offs = {0, x.size() - page, ((rnd.nextLong() >>> 1) % (x.size() / page)) * page};
        for (long off : offs) {
          long va = x.va() + off;
          int on = x.cpu() >= 0 ? x.cpu() : rnd.nextInt(4);
          WalkResult r = e.walk(k.pgdOf(on), va);
          assertThat(r).as("walk cpu %d va 0x%x", on, va)
              .isInstanceOf(WalkResult.Translation.class);
          assertThat(((WalkResult.Translation) r).pa()).as("pa of 0x%x", va)
              .isEqualTo(x.paAt(off, ps));
          assertThat(m.cpu(on).translate(va)).as("cpu %d translate 0x%x", on, va)
              .isEqualTo(x.paAt(off, ps));
          if (x.cpu() >= 0) {
            int other = (x.cpu() + 1 + rnd.nextInt(3)) % 4;
            if (shadow.expect(other, va, ps, -1) == -1) {
              assertThat(e.walk(k.pgdOf(other), va)).as("cpu %d must not see cpu %d's 0x%x",
                  other, x.cpu(), va).isInstanceOf(WalkResult.Fault.class);
            }
          }
        }
      }
      assertThat(ramPages).isEqualTo(m.mem().frames());
    }
    shadow.unmapAll(k);
    for (KptShadow.Mapping x : shadow.maps()) {
      if (x.pfns() != null) {
        for (long p : x.pfns()) {
          m.allocator().freePages(p, 0);
        }
      }
    }
    log.op("unmap all, free empty tables");
    k.freeEmptyShared(w[0], w[1]);
    if (la != null) {
      for (int cpu = 0; cpu < 4; cpu++) {
        k.freeEmptyPrivate(cpu, la.start(), la.size());
      }
    }
    m.verifyConsistent();
    assertThat(m.allocator().sharedTablePages()).as("shared table pages back to baseline")
        .isEqualTo(baseShared);
    assertThat(m.allocator().perCpuTablePages()).as("per-CPU table pages back to baseline")
        .isEqualTo(basePerCpu);
    PageTableChecks.assertTablesReachable(m);
  }

  private static void warm(Machine m, long va, int cpu) {
    KernelPageTables k = m.kpt();
    long page = m.geometry().pageSize();
    long pa = m.mem().startPa();
    long prot = m.model().descriptors().prot(ProtKind.KERNEL);
    int ps = m.geometry().pageShift();
    if (cpu < 0) {
      assertThat(k.mapShared(va, pa, page, prot, ps)).isGreaterThanOrEqualTo(0);
      k.unmapShared(va, page);
    } else {
      assertThat(k.mapPrivate(cpu, va, pa, page, prot, ps)).isGreaterThanOrEqualTo(0);
      k.unmapPrivate(cpu, va, page);
    }
    long size = cpu < 0 ? 0 : k.localArea().size();
    if (cpu < 0) {
      // free exactly what lies inside the window's entry
      k.freeEmptyShared(va, m.geometry().entrySize(0) > 0 ? windowEntry(m, va) : page);
    } else {
      k.freeEmptyPrivate(cpu, va, size);
    }
  }

  private static long windowEntry(Machine m, long va) {
    Geometry g = m.geometry();
    for (int lv = 0; lv < g.levels() - 1; lv++) {
      long esz = g.entrySize(lv);
      if ((va & (esz - 1)) == 0 && Long.compareUnsigned(va + esz - 1, m.layout().vmallocEnd() - 1) <= 0) {
        return esz;
      }
    }
    return g.pageSize();
  }

  private static List<PageTableChecks.Leaf> snapshot(Machine m, long[] w, Region la) {
    List<PageTableChecks.Leaf> out = new ArrayList<>(
        PageTableChecks.leaves(m.engine(), m.kpt().swapperPgd(), w[0], w[1]));
    if (la != null) {
      for (int c = 0; c < m.kpt().cpus(); c++) {
        out.addAll(PageTableChecks.leaves(m.engine(), m.kpt().pgdOf(c), la.start(), la.size()));
      }
    }
    return out;
  }

  /** Live allocations before an op, to check that a failed op only added (linked) tables. */
  private static final class PageAllocatorState {
    private final org.percpulab.core.mem.PageAllocator.Snapshot snap;

    PageAllocatorState(Machine m) {
      snap = m.allocator().snapshot();
    }

    void assertOnlyTablesAdded(Machine m) {
      for (var a : m.allocator().allocatedSince(snap)) {
        assertThat(a.purpose().isPageTable()).as("only tables may stay allocated: %s", a).isTrue();
      }
      assertThat(m.allocator().freedSince(snap)).as("nothing freed by a failed map").isEmpty();
      PageTableChecks.assertTablesReachable(m);
    }
  }

  /** For subclasses: a private test map keyed by VA. */
  protected static TreeMap<Long, Long> newShadow() {
    return new TreeMap<>(Long::compareUnsigned);
  }
}
