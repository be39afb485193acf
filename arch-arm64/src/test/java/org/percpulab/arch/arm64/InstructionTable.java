package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

/** Generates the instruction-count table (instructions / modelled cycles, no retries). */
final class InstructionTable {
  private InstructionTable() { }

  static List<String> rows(CostTable costs) {
    Arm64OpSequences lse = new Arm64OpSequences(true, true, false);
    Arm64OpSequences llsc = new Arm64OpSequences(false, true, false);
    List<String> rows = new ArrayList<>();
    rows.add("| op | baseline LSE | local map LSE | baseline LL/SC | local map LL/SC |");
    rows.add("|---|---|---|---|---|");
    for (OpForm f : new OpForm[] {OpForm.THIS_CPU, OpForm.RAW_CPU}) {
      for (ThisCpuOp op : ThisCpuOp.values()) {
        for (int size : new int[] {1, 2, 4, 8}) {
          rows.add("| " + f.prefix() + op.kernelName() + "_" + size
              + " | " + cell(lse.sequence(op, size, f, OpMode.BASELINE), costs)
              + " | " + cell(lse.sequence(op, size, f, OpMode.LOCAL_MAP), costs)
              + " | " + cell(llsc.sequence(op, size, f, OpMode.BASELINE), costs)
              + " | " + cell(llsc.sequence(op, size, f, OpMode.LOCAL_MAP), costs) + " |");
        }
      }
    }
    return rows;
  }

  private static String cell(MicroOp[] s, CostTable c) {
    long cycles = 0;
    for (MicroOp o : s) {
      cycles += c.cycles(o.cost());
    }
    return s.length + " / " + cycles;
  }
}
