package org.percpulab.core.explore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.fake.FakeBackend;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.FakeSequences;
import org.percpulab.core.testkit.TestMachines;

/**
 * The explorer on hand-made sequences over the fake backend: a load/add/store that two tasks of
 * one CPU run loses an update only when a preemption splits it, and one under preempt_disable
 * only when an interrupt does; the protected LL/SC form never does.
 */
class InterleavingExplorerTest {

  private static final MicroOp[] UNPROTECTED_ADD = FakeSequences.unprotectedAdd();

  private static final MicroOp[] LLSC_ADD = FakeSequences.llscAdd();

  /**
   * Two tasks that start on CPU0 add 1 each to their CPU's copy with {@code seq} (or one task and
   * an interrupt handler doing the same); the copies must sum to the adds run.
   */
  private static final class TwoAdders implements ExploreScenario {
    final Machine m;
    final MicroOp[] seq;
    final boolean pinned;
    final boolean irq;
    final long ptr = 0x1000;
    final long[] pa = new long[2];
    int adds;

    TwoAdders(MicroOp[] seq, boolean pinned, boolean irq) {
      this.m = TestMachines.boot(new FakeBackend(), Map.of("cpus", "2"));
      this.seq = seq;
      this.pinned = pinned;
      this.irq = irq;
      for (int c = 0; c < 2; c++) {
        pa[c] = m.allocator().allocPage(PagePurpose.percpu(c)) << 12;
        m.cpu(c).setPerCpuOffset(m.layout().physToVirt(pa[c]) - ptr);
      }
    }

    private void add(TaskContext ctx) {
      if (pinned) {
        ctx.step("preempt_disable()", false).preemptDisable();
      }
      adds++;
      ctx.beginOp(seq, "add");
      m.executor().execute(ctx.cpu(), ThisCpuOp.ADD, seq, ptr, 1, 0, 8);
      ctx.endOp();
      if (pinned) {
        ctx.step("preempt_enable()", false).preemptEnableNoResched();
      }
    }

    @Override public List<ExploreTask> tasks() {
      return irq ? List.of(new ExploreTask("T0", 0, this::add))
          : List.of(new ExploreTask("T0", 0, this::add), new ExploreTask("T1", 0, this::add));
    }

    @Override public ExploreTask.Body interruptHandler() {
      return irq ? this::add : null;
    }

    @Override public void reset() {
      m.mem().write(pa[0], 8, 0);
      m.mem().write(pa[1], 8, 0);
      adds = 0;
    }

    @Override public Violation check() {
      long sum = m.mem().read(pa[0], 8) + m.mem().read(pa[1], 8);
      return sum == adds ? null : new Violation("sum=" + sum, "sum=" + adds);
    }
  }

  private static ExploreResult explore(TwoAdders s, int preemptions, int interrupts) {
    return new InterleavingExplorer(s.m.executor()).explore(s,
        new ExploreBounds(preemptions, interrupts, 100_000));
  }

  @Test
  void preemptionInsideAnUnprotectedAddLosesAnUpdate() {
    assertThat(explore(new TwoAdders(UNPROTECTED_ADD, false, false), 0, 0).holds()).isTrue();
    ExploreResult r = explore(new TwoAdders(UNPROTECTED_ADD, false, false), 1, 0);
    assertThat(r.holds()).isFalse();
    assertThat(r.exhaustive()).isTrue();
    assertThat(r.violation()).isEqualTo(new ExploreScenario.Violation("sum=1", "sum=2"));
    assertThat(r.trace()).extracting(TraceLine::text).contains("<< preempted on CPU0",
        "ldr x2, [x0]", "str x2, [x0]");
    List<String> litmus = LitmusTrace.render(r.trace(), 2);
    assertThat(litmus.get(0)).contains("CPU0").contains("CPU1");
    assertThat(r.interleavings()).isGreaterThan(r.violations()).isGreaterThan(0);
  }

  @Test
  void theProtectedLlscAddHoldsAndItsPreemptionPointsAreOnlyOutsideTheProtection() {
    ExploreResult r = explore(new TwoAdders(LLSC_ADD, false, false), 2, 0);
    assertThat(r.holds()).isTrue();
    assertThat(r.exhaustive()).isTrue();
    assertThat(r.trace()).isEmpty();
  }

  @Test
  void anInterruptAtAPinnedPointLosesTheUpdateOfAnAddUnderPreemptDisable() {
    assertThat(explore(new TwoAdders(UNPROTECTED_ADD, true, true), 2, 0).holds()).isTrue();
    ExploreResult r = explore(new TwoAdders(UNPROTECTED_ADD, true, true), 2, 1);
    assertThat(r.holds()).isFalse();
    assertThat(r.trace()).extracting(TraceLine::text).contains("-- IRQ on CPU0 --",
        "-- end IRQ --");
    assertThat(r.trace()).extracting(TraceLine::task).contains("T0/irq");
  }

  @Test
  void anInterruptAtAPinnedPointInsideARestartRegionRestartsIt() {
    // the caller's preempt_disable pins every point of the region; the handler's add must not be
    // lost: the return from the interrupt aborts the region and the add reruns from its start
    ExploreResult r = explore(new TwoAdders(FakeSequences.restartAdd(), true, true), 2, 1);
    assertThat(r.holds()).isTrue();
    assertThat(r.exhaustive()).isTrue();
    assertThat(r.interleavings()).isGreaterThan(1);
  }

  @Test
  void choiceLogEnumeratesEveryLeafOnce() {
    ChoiceLog log = new ChoiceLog();
    int leaves = 0;
    do {
      log.begin();
      int a = log.choose(3);
      if (a == 1) {
        log.choose(2);
      }
      leaves++;
    } while (log.next());
    assertThat(leaves).isEqualTo(4);
  }
}
