package org.percpulab.mm.percpu;

/**
 * mm/percpu-internal.h {@code struct pcpu_block_md}: hints of one bitmap block (one page) or of the
 * whole chunk, all in bits, and mm/percpu.c pcpu_block_update (the hint bookkeeping given one free
 * area {@code [start, end)}).
 */
public final class PcpuBlockMd {
  public int scanHint;
  public int scanHintStart;
  public int contigHint;
  public int contigHintStart;
  public int leftFree;
  public int rightFree;
  public int firstFree;
  public int nrBits;

  /** pcpu_init_md_block: a fully free block of {@code bits}. */
  public void init(int bits) {
    scanHint = 0;
    contigHint = bits;
    leftFree = bits;
    rightFree = bits;
    firstFree = 0;
    nrBits = bits;
    contigHintStart = 0;
    scanHintStart = 0;
  }

  /** pcpu_check_block_hint: does {@code bits} at {@code align} fit in the contig hint. */
  public boolean fitsContig(int bits, int align) {
    int bitOff = ((contigHintStart + align - 1) & -align) - contigHintStart;
    return bitOff + bits <= contigHint;
  }

  /** pcpu_next_hint: scan from past the scan hint when that cannot serve the request. */
  public int nextHint(int allocBits) {
    if (scanHint != 0 && contigHintStart > scanHintStart && allocBits > scanHint) {
      return scanHintStart + scanHint;
    }
    return firstFree;
  }

  /** pcpu_block_update: account the free area {@code [start, end)} (the whole free run). */
  public void update(int start, int end) {
    int contig = end - start;
    firstFree = Math.min(firstFree, start);
    if (start == 0) {
      leftFree = contig;
    }
    if (end == nrBits) {
      rightFree = contig;
    }
    if (contig > contigHint) {
      if (start > contigHintStart) {
        if (contigHint > scanHint) {
          scanHintStart = contigHintStart;
          scanHint = contigHint;
        } else if (start < scanHintStart) {
          scanHint = 0;
        }
      } else {
        scanHint = 0;
      }
      contigHintStart = start;
      contigHint = contig;
    } else if (contig == contigHint) {
      if (contigHintStart != 0
          && (start == 0
              || Integer.numberOfTrailingZeros(start)
                  > Integer.numberOfTrailingZeros(contigHintStart))) {
        contigHintStart = start;
        if (start < scanHintStart && contigHint > scanHint) {
          scanHint = 0;
        }
      } else if (start > scanHintStart || contigHint > scanHint) {
        scanHintStart = start;
        scanHint = contig;
      }
    } else {
      if (start < contigHintStart
          && (contig > scanHint || (contig == scanHint && start > scanHintStart))) {
        scanHintStart = start;
        scanHint = contig;
      }
    }
  }

  @Override
  public String toString() {
    return "md{scan=" + scanHint + "@" + scanHintStart + " contig=" + contigHint + "@"
        + contigHintStart + " left=" + leftFree + " right=" + rightFree + " first=" + firstFree
        + " nr=" + nrBits + "}";
  }
}
