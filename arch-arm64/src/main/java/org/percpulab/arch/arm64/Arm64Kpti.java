package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.spi.ProtKind;

/**
 * KPTI (CONFIG_UNMAP_KERNEL_AT_EL0) entry/exit TTBR1 switching with per-CPU kernel tables
 * (arch/arm64/kernel/entry.S tramp_map_kernel / tramp_unmap_kernel, vmlinux.lds.S, mmu.c
 * map_entry_trampoline).
 *
 * <p>Kernel layout: {@code tramp_pg_dir}, {@code reserved_pg_dir}, {@code swapper_pg_dir} are
 * consecutive pages, so swapper = tramp + TRAMP_SWAPPER_OFFSET (2 pages) and reserved = swapper -
 * RESERVED_SWAPPER_OFFSET (1 page). The trampoline only does that arithmetic: on entry TTBR1 :=
 * TTBR1 + 2 pages, on exit TTBR1 := TTBR1 - 2 pages. The model keeps these symbol addresses
 * (image PAs: {@link #trampPgdSym()} etc.) and resolves them to the real tables when a CPU's base
 * register is loaded.
 *
 * <p>The seed's bug: with a per-CPU TTBR1 table, entry lands on swapper_pg_dir (it cannot add 2
 * pages to reach a per-CPU table), and the kernel then runs with swapper in TTBR1, where the local
 * area is not mapped: the first this_cpu op through {@code __per_cpu_local_off} faults or, worse,
 * hits a stale TLB entry. On exit, TTBR1 - 2 pages from a per-CPU table is not tramp_pg_dir.
 *
 * <p>The fix modelled here — the two-step switch: entry = trampoline (TTBR1: tramp → swapper), then
 * in kernel_entry, before any C code and so before any this_cpu op, {@code ldr_this_cpu} of the
 * CPU's own table (a global-alias per-CPU load: TPIDR_EL1 + the variable, which swapper maps) and
 * msr TTBR1 + isb. Exit = the mirror: after the last this_cpu op (the {@code this_cpu_vector}
 * load) TTBR1 := swapper, then tramp_exit subtracts 2 pages. Both TTBR1 values use the kernel ASID
 * and global (or, with KPTI, nG kernel-ASID) entries, so no TLB maintenance is needed; the cost is
 * one ldr + msr + isb on each of entry and exit. A one-step alternative — giving every CPU its own
 * [tramp | reserved | pgd] triple so the +2-page arithmetic lands on its own table — costs two
 * extra pages per CPU and needs the core to allocate per-CPU pgds as order-2 blocks; rejected here
 * because the core allocates single-page pgds (see the report).
 */
public final class Arm64Kpti {

  /** A step of entry or exit: what TTBR1 holds and whether this_cpu ops may run there. */
  public record Step(String name, long ttbr1Pa, boolean thisCpuOpsRun) { }

  private final Machine m;
  private final long pageSize;
  private final long trampPgd;
  private final long reservedPgd;
  /** Symbol base: tramp_pg_dir's image PA; reserved = +1 page, swapper = +2 pages. */
  private final long symBase;

  public Arm64Kpti(Machine m) {
    this.m = m;
    this.pageSize = m.geometry().pageSize();
    Arm64Layout l = ((Arm64Model) m.model()).arm64Layout();
    this.trampPgd = m.engine().newPgd(-1);
    this.reservedPgd = m.engine().newPgd(-1);
    if (trampPgd < 0 || reservedPgd < 0) {
      throw new IllegalStateException("out of memory allocating tramp_pg_dir/reserved_pg_dir");
    }
    // map_entry_trampoline: the .entry.tramp.text page at TRAMP_VALIAS, global, kernel ROX
    long text = m.mem().startPa();
    long prot = m.model().descriptors().prot(ProtKind.KERNEL_ROX) & ~Arm64Descriptors.NG;
    int r = m.engine().mapRange(trampPgd, l.trampValias, text, pageSize, prot,
        m.geometry().pageShift());
    if (r < 0) {
      throw new IllegalStateException("out of memory mapping the trampoline");
    }
    this.symBase = l.kimageVaddr; // any page-aligned value: only differences matter
  }

  public long trampPgdSym() { return symBase; }

  public long reservedPgdSym() { return symBase + pageSize; }

  public long swapperPgdSym() { return symBase + 2 * pageSize; }

  public long trampPgd() { return trampPgd; }

  public long reservedPgd() { return reservedPgd; }

  /** Resolves a TTBR1 symbol value to a real table (per-CPU tables are their own PA). */
  private long resolve(long ttbr1) {
    if (ttbr1 == trampPgdSym()) {
      return trampPgd;
    }
    if (ttbr1 == reservedPgdSym()) {
      return reservedPgd;
    }
    if (ttbr1 == swapperPgdSym()) {
      return m.kpt().swapperPgd();
    }
    return ttbr1;
  }

  private void load(Cpu cpu, long ttbr1, List<Step> trace, String name, boolean ops) {
    cpu.setTranslationBase(resolve(ttbr1));
    trace.add(new Step(name, cpu.translationBase(), ops));
  }

  /** Exception entry from EL0 then exit back, on {@code cpu}; returns every TTBR1 step. */
  public List<Step> entryAndExit(int cpuId, boolean twoStep) {
    Cpu cpu = m.cpu(cpuId);
    long own = m.kpt().pgdOf(cpuId);
    List<Step> t = new ArrayList<>();
    long ttbr1 = trampPgdSym();
    load(cpu, ttbr1, t, "el0: tramp_vectors (TTBR1 = tramp_pg_dir)", false);
    ttbr1 += 2 * pageSize;
    load(cpu, ttbr1, t, "tramp_map_kernel: TTBR1 += TRAMP_SWAPPER_OFFSET", false);
    if (twoStep) {
      ttbr1 = own;
      load(cpu, ttbr1, t, "kernel_entry: ldr_this_cpu own pgd; msr ttbr1_el1; isb", false);
    }
    t.add(new Step("el1: C code (this_cpu ops)", cpu.translationBase(), true));
    if (twoStep) {
      ttbr1 = swapperPgdSym();
      load(cpu, ttbr1, t, "kernel_exit: after this_cpu_vector, TTBR1 = swapper_pg_dir", false);
    }
    ttbr1 -= 2 * pageSize;
    load(cpu, ttbr1, t, "tramp_unmap_kernel: TTBR1 -= TRAMP_SWAPPER_OFFSET", false);
    // back at EL0, the CPU's TTBR1 for the next entry is tramp_pg_dir; restore the model's base
    // register to the CPU's own table so the rest of the simulation runs in the kernel.
    cpu.setTranslationBase(own);
    return t;
  }
}
