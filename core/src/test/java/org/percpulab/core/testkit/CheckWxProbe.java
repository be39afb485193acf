package org.percpulab.core.testkit;

import java.util.List;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.mem.PagePurpose;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.PtdumpTables;

/**
 * The kernel's ptdump_check_wx on a booted test machine (each backend's own format through its
 * {@link PtdumpTables}), and the one mutation that must make it fail: a PAGE_KERNEL_EXEC page mapped
 * into the shared kernel tables, as a stray set_memory_x on a writable page would leave it.
 */
public final class CheckWxProbe {
  private CheckWxProbe() { }

  /** The backend's ptdump tables; fails the test when the backend has none. */
  public static PtdumpTables tables(Machine m) {
    return m.model().capability(PtdumpTables.class).orElseThrow();
  }

  /** The dump of swapper's tables (ptdump's lines, markers included), in the machine's pages. */
  public static List<String> dump(Machine m) {
    return Ptdump.dump(tables(m), EngineNotes.of(m.engine(), m.kpt().swapperPgd()),
        m.geometry().pageSize());
  }

  /** check_wx's lines for CPU {@code cpu}'s tables. */
  public static List<String> checkWx(Machine m, int cpu) {
    return Ptdump.checkWx(tables(m), EngineNotes.of(m.engine(), m.kpt().pgdOf(cpu)),
        m.geometry().pageSize());
  }

  /**
   * Maps one fresh page at {@code va} with the backend's PAGE_KERNEL_EXEC (writable and executable)
   * into the shared tables; returns {@link org.percpulab.core.kpt.KernelPageTables#mapShared}'s
   * result (negative when it could not map).
   */
  public static int mapWriteExecPage(Machine m, long va) {
    long pageSize = m.geometry().pageSize();
    long pfn = m.allocator().allocPage(PagePurpose.vmalloc());
    return m.kpt().mapShared(va, pfn * pageSize, pageSize,
        m.model().descriptors().prot(ProtKind.KERNEL_EXEC), Long.numberOfTrailingZeros(pageSize));
  }
}
