package org.percpulab.core.cpu;

import org.percpulab.core.pgtable.PageTableEngine;

/**
 * One simulated CPU: its kernel translation base register (TTBR1_EL1 on arm64, named by
 * {@code ArchModel.translationBaseRegister()}), its TLB (private or shared with SMT siblings), the
 * percpu offset register value ({@code __per_cpu_offset[cpu]}, TPIDR_EL1 on arm64; set by percpu
 * setup), {@code preempt_count} with the need_resched flag, the IRQ mask and the current task.
 *
 * <p>{@link #translate} is the MMU: TLB lookup, else a walk from the base register (levels read are
 * counted), then a fill. Public fields are avoided; the hot path uses final arrays and primitives.
 */
public final class Cpu {
  /** {@link #translate} result for a translation fault. */
  public static final long FAULT = -1L;

  private final int id;
  private final int core;
  private final Tlb tlb;
  private final PageTableEngine engine;
  private final int pageShift;
  private final long pageMask;
  private long base;
  private long perCpuOffset;
  /** A copy of {@link Cpus#perCpuLocalOff()}, kept next to {@link #perCpuOffset} for the op path. */
  private long perCpuLocalOff;
  private long preemptCount;
  private boolean needResched;
  private boolean irqsEnabled = true;
  private long currentTask;
  private long walks;
  private long walkLevelReads;
  /** Slot 0: walk level reads of all CPUs of the machine (see {@link Cpus#walkLevelReads()}). */
  private final long[] machineWalkReads;
  private long faults;
  private long lastProt;
  private int lastWalkReads;
  private long instructions;
  private long cycles;
  /** The TLB entry this CPU last hit or filled (see {@link Tlb#rememberedHit}). */
  private long memoVpn = -1;
  private long memoPa;
  private long memoProt;
  private long memoVersion = -1;
  /**
   * Contents of the resident page at {@link #wordsPa}, valid while PhysMem's generation is
   * {@link #wordsGen}.
   */
  private long[] words;
  private long wordsPa = -1;
  private long wordsGen = -1;
  /**
   * The remembered TLB entry's translation down to PhysMem words: virtual block {@link #fastVa}
   * (a PhysMem storage block, aligned) is physical block {@link #fastPa}, whose words are
   * {@link #fastWords} while PhysMem's generation is {@link #fastGen}. Valid only while the
   * remembered entry is (same TLB version); reset whenever another entry is remembered.
   */
  private long fastVa = -1;
  private long fastPa;
  private long[] fastWords;
  private long fastGen = -1;

  Cpu(int id, int core, Tlb tlb, PageTableEngine engine, long base, long[] machineWalkReads) {
    this.id = id;
    this.machineWalkReads = machineWalkReads;
    this.core = core;
    this.tlb = tlb;
    this.engine = engine;
    this.pageShift = engine.geometry().pageShift();
    this.pageMask = (1L << pageShift) - 1;
    this.base = base;
  }

  public int id() { return id; }

  /** Physical core (SMT siblings have the same value). */
  public int core() { return core; }

  public Tlb tlb() { return tlb; }

  /** The kernel translation base register: physical address of the top-level table in use. */
  public long translationBase() { return base; }

  /** Writes the base register (no implicit TLB flush: entries are global, as on arm64 TTBR1). */
  public void setTranslationBase(long pgd) { this.base = pgd; }

  /**
   * Translates {@code va} through the TLB, else a walk from the base register. Returns the physical
   * address or {@link #FAULT}; {@link #lastProt()} holds the leaf's prot on success.
   */
  public long translate(long va) {
    long vpn = va >>> pageShift;
    Tlb t = tlb;
    if (vpn == memoVpn && t.version() == memoVersion) {
      rememberedHit();
      return memoPa | (va & pageMask);
    }
    return translateMiss(va, vpn, t);
  }

  /**
   * {@link #translate} past the remembered entry: the TLB lookup, else the walk and the fill. Its
   * own method so that the hit path stays small enough for the JIT to inline into every caller.
   */
  private long translateMiss(long va, long vpn, Tlb t) {
    long p = t.lookup(vpn);
    if (p >= 0) {
      long pr = t.lastProt();
      if (lastProt != pr) {
        lastProt = pr;
      }
      if (lastWalkReads != 0) {
        lastWalkReads = 0;
      }
      remember(vpn, p, pr);
      return p | (va & pageMask);
    }
    long r = engine.translate(base, va);
    walks++;
    int reads = engine.fastReads();
    walkLevelReads += reads;
    machineWalkReads[0] += reads;
    lastWalkReads = reads;
    if (r < 0) {
      faults++;
      return FAULT;
    }
    lastProt = engine.fastProt();
    t.insertAbsent(vpn, r & ~pageMask, lastProt);
    remember(vpn, r & ~pageMask, lastProt);
    return r;
  }

  /** The entry just hit or filled, valid while its TLB's version stays the same. */
  private void remember(long vpn, long paPage, long prot) {
    fastVa = -1;
    memoVpn = vpn;
    memoPa = paPage;
    memoProt = prot;
    memoVersion = tlb.version();
  }

  public long lastProt() { return lastProt; }

  /**
   * {@link #translate} of {@code va} when it hits the remembered TLB entry and the block of
   * {@code va} ({@code blockMask}: PhysMem's block offset mask) was remembered with
   * {@link #rememberBlock} at PhysMem {@code generation}: counts the TLB hit exactly as translate
   * does and returns the block's words, else returns null having counted nothing (the caller then
   * translates). {@link #blockPa()} is then the block's physical address.
   */
  public long[] translateToBlock(long va, long blockMask, long generation) {
    if ((va & ~blockMask) == fastVa && generation == fastGen && tlb.version() == memoVersion) {
      rememberedHit();
      return fastWords;
    }
    return null;
  }

  /** A TLB hit on the remembered entry, counted as {@link Tlb#lookup} counts one. */
  private void rememberedHit() {
    long pr = memoProt;
    tlb.rememberedHit(pr);
    // stores only when the value changes: on the this_cpu path stores are the bottleneck
    if (lastProt != pr) {
      lastProt = pr;
    }
    if (lastWalkReads != 0) {
      lastWalkReads = 0;
    }
  }

  /** Physical address of the block {@link #translateToBlock} returned. */
  public long blockPa() { return fastPa; }

  /**
   * Remembers that {@code va}, just translated by {@link #translate} to {@code pa}, lies in the
   * PhysMem block whose words are {@code w} at {@code generation}.
   */
  public void rememberBlock(long va, long pa, long blockMask, long generation, long[] w) {
    if (va >>> pageShift == memoVpn) {
      fastVa = va & ~blockMask;
      fastPa = pa & ~blockMask;
      fastWords = w;
      fastGen = generation;
    }
  }

  /**
   * Accounts {@code n} more translations of the VA that the last {@link #translate} resolved (it
   * must have succeeded, with no TLB change since): each is a TLB hit on the entry that translate
   * hit or filled, reading no level. For a caller that translates an instruction's address once
   * for its load and its store.
   */
  public void repeatLastTranslate(int n) {
    tlb.repeatHits(n, lastProt);
    if (lastWalkReads != 0) {
      lastWalkReads = 0;
    }
  }

  /** Levels read by the walk of the last {@link #translate} (0 on a TLB hit). */
  public int lastWalkReads() { return lastWalkReads; }

  public long walks() { return walks; }

  public long walkLevelReads() { return walkLevelReads; }

  public long faults() { return faults; }

  // ---- percpu offset ----

  /** {@code __per_cpu_offset[id]} as this CPU's offset register holds it. */
  public long perCpuOffset() { return perCpuOffset; }

  public void setPerCpuOffset(long off) { this.perCpuOffset = off; }

  /** {@code __per_cpu_local_off} as this CPU sees it (the same on every CPU). */
  public long perCpuLocalOff() { return perCpuLocalOff; }

  void setPerCpuLocalOff(long off) { this.perCpuLocalOff = off; }

  /**
   * The words of the resident page at physical {@code paPage} this CPU last accessed through
   * {@link #rememberWords}, or null when it was another page or PhysMem has discarded pages since
   * ({@code generation} differs). A one-entry cache for the executor's fused this_cpu access.
   */
  public long[] wordsOf(long paPage, long generation) {
    return paPage == wordsPa && generation == wordsGen ? words : null;
  }

  /** Remembers {@code w}, the words of resident page {@code paPage} at PhysMem {@code generation}. */
  public void rememberWords(long paPage, long generation, long[] w) {
    words = w;
    wordsPa = paPage;
    wordsGen = generation;
  }

  // ---- the CPU-private page (percpu.access=private-page) ----

  private long privatePageVa;

  /** VA of this CPU's private page (the same on every CPU), 0 when the machine has none. */
  public long privatePageVa() { return privatePageVa; }

  public void setPrivatePageVa(long va) { this.privatePageVa = va; }

  // ---- preemption and IRQs ----

  private long exceptionReturns;

  public long preemptCount() { return preemptCount; }

  public void setPreemptCount(long v) { this.preemptCount = v; }

  public void preemptDisable() { preemptCount++; }

  /** preempt_enable without the resched check (the executor does the check). */
  public void preemptEnableNoResched() {
    if (preemptCount == 0) {
      throw new IllegalStateException("CPU " + id + ": preempt_count underflow");
    }
    preemptCount--;
  }

  public boolean preemptible() { return preemptCount == 0 && irqsEnabled; }

  public boolean needResched() { return needResched; }

  public void setNeedResched(boolean v) { this.needResched = v; }

  public boolean irqsEnabled() { return irqsEnabled; }

  public void setIrqsEnabled(boolean v) { this.irqsEnabled = v; }

  /**
   * Exception returns (interrupt, exception, preemption) this CPU has taken so far. The executor
   * compares it across a preemption point to see whether a restartable region was interrupted; an
   * explorer that models an interrupt at a preemption point calls {@link #noteExceptionReturn()}.
   */
  public long exceptionReturns() { return exceptionReturns; }

  /** Counts one exception return on this CPU (see {@link #exceptionReturns()}). */
  public void noteExceptionReturn() { exceptionReturns++; }

  public long currentTask() { return currentTask; }

  public void setCurrentTask(long task) { this.currentTask = task; }

  // ---- accounting (the executor adds here) ----

  public long instructions() { return instructions; }

  public long cycles() { return cycles; }

  void account(long insns, long cyc) {
    instructions += insns;
    cycles += cyc;
  }

  /** Adds executed instructions and cycles to this CPU's counters. */
  public void addWork(long insns, long cyc) {
    account(insns, cyc);
  }

  @Override public String toString() { return "CPU" + id; }
}
