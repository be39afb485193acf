package org.percpulab.arch.s390;

import org.percpulab.core.testkit.OpContract;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.MicroOp.Effect;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

class S390LowcoreTest {

  @Test
  void offsetsAreTheKernels() {
    assertThat(S390Lowcore.PERCPU_OFFSET).as("lowcore.h percpu_offset").isEqualTo(0x3b8);
    assertThat(S390Lowcore.PREEMPT_COUNT).as("lowcore.h preempt_count").isEqualTo(0x3a8);
    assertThat(S390Lowcore.KERNEL_ASCE).isEqualTo(0x388);
    assertThat(S390Lowcore.USER_ASCE).isEqualTo(0x390);
    assertThat(S390Lowcore.CPU_NR).isEqualTo(0x3a0);
    assertThat(S390Lowcore.SIZE).as("LC_ORDER 1").isEqualTo(8192);
    assertThat(S390Lowcore.PREEMPT_NEED_RESCHED).isEqualTo(0x80000000);
    assertThat(S390Lowcore.operand(0x3b8)).isEqualTo("0x3b8(%r9)");
  }

  @Test
  void readOffsetIsALoadFromTheLowcore() {
    for (S390Ops ops : new S390Ops[] {S390Ops.Z196, S390Ops.NO_Z196}) {
      for (OpForm f : OpForm.values()) {
        var seq = ops.sequence(ThisCpuOp.ADD, 8, f, OpMode.BASELINE);
        int i = OpContract.index(seq, Effect.READ_OFFSET);
        assertThat(seq[i].mnemonic()).isEqualTo("lg %r1,0x3b8(%r9)");
      }
    }
  }
}
