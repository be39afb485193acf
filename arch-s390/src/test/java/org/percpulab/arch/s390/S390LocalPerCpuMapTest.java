package org.percpulab.arch.s390;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.PreemptModel;
import org.percpulab.core.spi.Region;
import org.percpulab.core.spi.ThisCpuOp;
import org.percpulab.core.testkit.TestMachines;

/** The experimental s390 local map: placement, gate, per-CPU tables and sequences. */
class S390LocalPerCpuMapTest {

  /**
   * The area is one 2 GiB region-third entry right below ALIGN_DOWN(VMALLOC_END, 2 GiB) on every
   * geometry; its private level is the region-third level.
   */
  @Test
  void areaAndPrivateLevelPerGeometry() {
    Geometry[] gs = {S390Geometry.REGION3, S390Geometry.REGION2, S390Geometry.REGION1};
    for (int i = 0; i < gs.length; i++) {
      S390LocalPerCpuMap lm = S390LocalPerCpuMap.of(gs[i]);
      assertThat(lm.localArea()).isEqualTo(new Region("percpu-local", 0x3fe80000000L,
          0x3ff00000000L));
      assertThat(lm.privateLevel()).as(gs[i].label()).isEqualTo(i);
      assertThat(gs[i].entrySize(lm.privateLevel())).isEqualTo(1L << 31);
      // 4 KiB pages: path copies and one segment table are CRST tables of 4 pages, plus one page
      assertThat(lm.privateTablePagesPerCpuAtBoot(gs[i])).isEqualTo(4L * (i + 2) + 1);
    }
  }

  @Test
  void layoutLowersVmallocEndToTheArea() {
    var l = S390LocalPerCpuMap.of(S390Geometry.REGION2).layout();
    assertThat(l.vmallocEnd()).isEqualTo(0x3fe80000000L);
    assertThat(l.region("vmalloc").orElseThrow().end()).isEqualTo(0x3fe80000000L);
    assertThat(l.region("percpu-local")).isPresent();
    assertThat(l.region("modules").orElseThrow().start()).isEqualTo(S390Layout.MODULES_VADDR);
  }

  /** Off unless chosen: the default machine keeps the kernel's layout and has no per-CPU table. */
  @Test
  void offByDefaultOnWhenChosen() {
    Machine def = TestMachines.boot("s390", 4);
    assertThat(def.localMapActive()).isFalse();
    assertThat(def.layout()).isEqualTo(S390Layout.LAYOUT);
    assertThat(def.allocator().perCpuTablePages()).isZero();
    assertThat(def.access()).isEqualTo(OpMode.BASELINE);
    for (String[] kv : new String[][] {{"s390.localMap", "on"},
        {"percpu.access", "local-map"}}) {
      Machine m = TestMachines.boot("s390", 4, kv[0], kv[1]);
      assertThat(m.localMapActive()).as(kv[0]).isTrue();
      assertThat(m.access()).isEqualTo(OpMode.LOCAL_MAP);
      // home space (CR13, kernel ASCE) and primary space (CR1, user ASCE): split roots, so a
      // per-CPU kernel ASCE costs nothing per mm
      assertThat(m.model().translationRoots())
          .isEqualTo(org.percpulab.core.spi.TranslationRoots.SPLIT);
      assertThat(m.model().translationBaseRegister()).isEqualTo("CR13");
      // before percpu setup, on the default region-third ASCE: each CPU's copy of the top CRST
      // table, which is the region-third table holding the private entry (4 pages)
      for (int c = 0; c < 4; c++) {
        assertThat(m.allocator().tablePagesOfCpu(c)).isEqualTo(4);
        assertThat(m.kpt().pgdOf(c)).isNotEqualTo(m.kpt().swapperPgd());
        assertThat(m.cpu(c).translationBase()).isEqualTo(m.kpt().pgdOf(c));
      }
      m.verifyConsistent();
    }
    // region-second (mm.vaBits=53): the top CRST copy and the region-third path copy (4 pages each)
    Machine m53 = TestMachines.boot("s390", 4, "s390.localMap", "on", "mm.vaBits", "53");
    for (int c = 0; c < 4; c++) {
      assertThat(m53.allocator().tablePagesOfCpu(c)).isEqualTo(8);
    }
    assertThatThrownBy(() -> TestMachines.boot("s390", 4, "percpu.localMap", "on"))
        .hasMessageContaining("s390.localMap=off");
    assertThatThrownBy(() -> TestMachines.boot("s390", 4, "s390.localMap", "on",
        "tlb.shared", "smt", "topology.threadsPerCore", "2", "percpu.localMap", "on"))
        .hasMessageContaining("SMT siblings share a TLB");
  }

  /**
   * this_cpu_add_8 with z196: offset = lghi, asi, lg, agr, laag, alsi, brc; local-map = lghi, lg
   * __LC_PERCPU_LOCAL_OFF, agr (ADDR_LOCAL), laag: no preempt or IRQ effect; immediate = llihf,
   * iilf, agr, laag.
   */
  @Test
  void localMapSequences() {
    S390Ops lowcore = S390Ops.of(true, PreemptModel.DYNAMIC, true, false, false);
    MicroOp[] add = lowcore.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.LOCAL_MAP);
    assertThat(mnemonics(add)).containsExactly("lghi %r9,0 (get_lowcore)",
        "lg %r1,__LC_PERCPU_LOCAL_OFF(%r9)", "agr %r1,%r2", "laag %r2,%r3,0(%r1)");
    assertThat(add[2].effect()).isEqualTo(MicroOp.Effect.ADDR_LOCAL);
    assertThat(add[1].cost()).isEqualTo(CostClass.LOAD);
    S390Ops imm = S390Ops.of(true, PreemptModel.DYNAMIC, true, true, false);
    assertThat(imm.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU, OpMode.LOCAL_MAP)).hasSize(4)
        .extracting(MicroOp::cost).containsExactly(CostClass.ALU, CostClass.ALU, CostClass.ALU,
            CostClass.ATOMIC_NEAR);
    for (ThisCpuOp op : ThisCpuOp.values()) {
      for (int size : new int[] {1, 2, 4, 8}) {
        for (S390Ops o : new S390Ops[] {lowcore, S390Ops.of(false, PreemptModel.DYNAMIC, true,
            false, false)}) {
          for (MicroOp m : o.sequence(op, size, OpForm.THIS_CPU, OpMode.LOCAL_MAP)) {
            assertThat(m.effect()).as(op + " " + size).isNotIn(MicroOp.Effect.PREEMPT_INC,
                MicroOp.Effect.PREEMPT_DEC_CHECK, MicroOp.Effect.IRQ_SAVE,
                MicroOp.Effect.IRQ_RESTORE, MicroOp.Effect.ADDR_GLOBAL);
          }
        }
      }
    }
    // raw forms keep lowcore percpu_offset unless percpu.localForms=all
    assertThat(lowcore.sequence(ThisCpuOp.ADD, 8, OpForm.RAW_CPU, OpMode.LOCAL_MAP))
        .extracting(MicroOp::effect).contains(MicroOp.Effect.ADDR_GLOBAL);
    assertThat(S390Ops.of(true, PreemptModel.DYNAMIC, true, false, true)
        .sequence(ThisCpuOp.ADD, 8, OpForm.RAW_CPU, OpMode.LOCAL_MAP))
        .extracting(MicroOp::effect).contains(MicroOp.Effect.ADDR_LOCAL);
    assertThatThrownBy(() -> S390Ops.Z196.sequence(ThisCpuOp.ADD, 8, OpForm.THIS_CPU,
        OpMode.LOCAL_MAP)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("local-map only with the experimental local map");
  }

  private static List<String> mnemonics(MicroOp[] seq) {
    List<String> out = new ArrayList<>();
    for (MicroOp m : seq) {
      out.add(m.mnemonic());
    }
    return out;
  }
}
