package org.percpulab.core.mem;

import java.util.Objects;

/**
 * Why a page frame was allocated: the GFP-caller's intent that the kernel's page_owner / memcg
 * accounting would record. Page-table pages carry the table level (0 = top) and their owner: the
 * shared kernel tables ({@link #SHARED}) or CPU n's private tables (the local percpu map).
 *
 * @param kind what the page is for
 * @param level page-table level, or -1 for other kinds
 * @param owner {@link #SHARED} or a CPU number (page tables; optionally percpu pages)
 */
public record PagePurpose(Kind kind, int level, int owner) {

  /** Owner value of pages shared by every CPU. */
  public static final int SHARED = -1;

  /** Broad allocation classes, each with its own counter. */
  public enum Kind { PAGE_TABLE, PERCPU, VMALLOC, OTHER }

  private static final PagePurpose PERCPU = new PagePurpose(Kind.PERCPU, -1, SHARED);
  private static final PagePurpose VMALLOC = new PagePurpose(Kind.VMALLOC, -1, SHARED);
  private static final PagePurpose OTHER = new PagePurpose(Kind.OTHER, -1, SHARED);
  private static final PagePurpose[] SHARED_TABLES = new PagePurpose[5];

  static {
    for (int l = 0; l < 5; l++) {
      SHARED_TABLES[l] = new PagePurpose(Kind.PAGE_TABLE, l, SHARED);
    }
  }

  public PagePurpose {
    Objects.requireNonNull(kind);
    if (kind == Kind.PAGE_TABLE && (level < 0 || level > 4)) {
      throw new IllegalArgumentException("page-table level " + level + " not in 0..4");
    }
    if (owner < SHARED) {
      throw new IllegalArgumentException("owner " + owner + " must be -1 (shared) or a CPU number");
    }
  }

  /** A page-table page at {@code level} owned by {@code owner} (SHARED or a CPU). */
  public static PagePurpose pageTable(int level, int owner) {
    if (owner == SHARED && level >= 0 && level < 5) {
      return SHARED_TABLES[level];
    }
    return new PagePurpose(Kind.PAGE_TABLE, level, owner);
  }

  public static PagePurpose percpu() { return PERCPU; }

  /** One immutable purpose per CPU, made on first use (a racing duplicate is equal and harmless). */
  private static final PagePurpose[] PERCPU_OF_CPU = new PagePurpose[8192];

  /** A percpu page backing CPU {@code cpu}'s unit. */
  public static PagePurpose percpu(int cpu) {
    if (cpu < 0 || cpu >= PERCPU_OF_CPU.length) {
      return new PagePurpose(Kind.PERCPU, -1, cpu);
    }
    PagePurpose p = PERCPU_OF_CPU[cpu];
    if (p == null) {
      p = new PagePurpose(Kind.PERCPU, -1, cpu);
      PERCPU_OF_CPU[cpu] = p;
    }
    return p;
  }

  public static PagePurpose vmalloc() { return VMALLOC; }

  public static PagePurpose other() { return OTHER; }

  public boolean isPageTable() { return kind == Kind.PAGE_TABLE; }

  public boolean isShared() { return owner == SHARED; }

  @Override public String toString() {
    if (kind == Kind.PAGE_TABLE) {
      return "page-table L" + level + (owner == SHARED ? " shared" : " cpu" + owner);
    }
    return kind.name().toLowerCase(java.util.Locale.ROOT) + (owner == SHARED ? "" : " cpu" + owner);
  }
}
