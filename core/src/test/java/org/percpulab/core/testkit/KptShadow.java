package org.percpulab.core.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.percpulab.core.kpt.KernelPageTables;

/**
 * The expected state of {@link KernelPageTables} in the random map/unmap property tests: every
 * shared mapping (cpu -1, in swapper and so in every CPU's table) and every per-CPU private one
 * (only in that CPU's table), each a physically contiguous range or a list of pages, as
 * vmap_range and vmap_pages_range map them. Tests draw requests with {@link #random}, apply them
 * with {@link #map} and compare walks with {@link #expect}, in the manner of the kernel's
 * tools/testing shadow-state harnesses.
 */
public final class KptShadow {
  /** One mapping: {@code pfns} null for a contiguous range from {@code pa}. */
  public record Mapping(int cpu, long va, long size, long pa, long[] pfns) {
    /** The physical address at {@code off} bytes into the mapping. */
    public long paAt(long off, int pageShift) {
      return pfns == null ? pa + off
          : (pfns[(int) (off >>> pageShift)] << pageShift) + (off & ((1L << pageShift) - 1));
    }

    public boolean covers(long a) {
      return Long.compareUnsigned(a, va) >= 0 && Long.compareUnsigned(a - va, size) < 0;
    }

    /** Whether {@code [a, a+len)} in the same table ({@code c}) meets this mapping. */
    public boolean meets(int c, long a, long len) {
      return c == cpu && Long.compareUnsigned(va, a + len - 1) <= 0
          && Long.compareUnsigned(a, va + size - 1) <= 0;
    }

    /** E.g. {@code "private map cpu=2 va=0x... size=0x2000 pages"}, for the seed's op log. */
    public String describe(int maxShift) {
      return String.format("%s map cpu=%d va=0x%x size=0x%x %s", cpu < 0 ? "shared" : "private",
          cpu, va, size, pfns != null ? "pages"
              : "range pa=0x" + Long.toHexString(pa) + " maxShift=" + maxShift);
    }
  }

  private final List<Mapping> maps = new ArrayList<>();

  public List<Mapping> maps() { return maps; }

  /** Whether {@code q} meets a recorded mapping of the same table (the map must fail EBUSY). */
  public boolean overlaps(Mapping q) {
    for (Mapping x : maps) {
      if (x.meets(q.cpu(), q.va(), q.size())) {
        return true;
      }
    }
    return false;
  }

  /** The physical address {@code cpu}'s own mappings give {@code va}, else {@code none}. */
  public long expect(int cpu, long va, int pageShift, long none) {
    for (Mapping x : maps) {
      if (x.cpu() == cpu && x.covers(va)) {
        return x.paAt(va - x.va(), pageShift);
      }
    }
    return none;
  }

  /**
   * A random request for {@code cpu} in {@code [base, base+span)}: 1..8 pages (page frames
   * {@code pfnFirst + [0, pfnSpread)}) or one block of {@code blk} bytes, block aligned (at
   * {@code paFirst + blk * [0, blkSpread)}).
   */
  public static Mapping random(Random rnd, int cpu, long base, long span, boolean pages, long blk,
      int pageShift, long pfnFirst, int pfnSpread, long paFirst, int blkSpread) {
    long page = 1L << pageShift;
    if (pages) {
      int np = 1 + rnd.nextInt(8);
      long size = np * page;
      long va = base + ((rnd.nextLong() >>> 1) % ((span - size) / page + 1)) * page;
      long[] pfns = new long[np];
      for (int i = 0; i < np; i++) {
        pfns[i] = pfnFirst + rnd.nextInt(pfnSpread);
      }
      return new Mapping(cpu, va, size, 0, pfns);
    }
    long va = base + ((rnd.nextLong() >>> 1) % (span / blk)) * blk;
    return new Mapping(cpu, va, blk, paFirst + (long) rnd.nextInt(blkSpread) * blk, null);
  }

  /**
   * Maps {@code q} through {@code k}: shared when {@code q.cpu() < 0}, else private to that CPU.
   * Nothing is recorded; see {@link #map}.
   *
   * @return the page-table result (0, or a negative errno)
   */
  public static int apply(KernelPageTables k, Mapping q, long prot, int maxShift) {
    long[] p = q.pfns();
    if (q.cpu() >= 0) {
      return p != null ? k.mapPrivatePages(q.cpu(), q.va(), p, 0, p.length, prot)
          : k.mapPrivate(q.cpu(), q.va(), q.pa(), q.size(), prot, maxShift);
    }
    return p != null ? k.mapSharedPages(q.va(), p, 0, p.length, prot)
        : k.mapShared(q.va(), q.pa(), q.size(), prot, maxShift);
  }

  /** {@link #apply}, recording {@code q} when it mapped. */
  public int map(KernelPageTables k, Mapping q, long prot, int maxShift) {
    int r = apply(k, q, prot, maxShift);
    if (r >= 0) {
      maps.add(q);
    }
    return r;
  }

  /** Records a mapping made elsewhere. */
  public void add(Mapping q) {
    maps.add(q);
  }

  /** Forgets a random recorded mapping and returns it (to {@link #unmap}). */
  public Mapping removeRandom(Random rnd) {
    return maps.remove(rnd.nextInt(maps.size()));
  }

  /** Unmaps every recorded mapping (no TLB flush); they stay recorded. */
  public void unmapAll(KernelPageTables k) {
    for (Mapping x : maps) {
      unmap(k, x);
    }
  }

  /** Unmaps {@code x} from the table it is in (no TLB flush). */
  public static void unmap(KernelPageTables k, Mapping x) {
    if (x.cpu() < 0) {
      k.unmapShared(x.va(), x.size());
    } else {
      k.unmapPrivate(x.cpu(), x.va(), x.size());
    }
  }
}
