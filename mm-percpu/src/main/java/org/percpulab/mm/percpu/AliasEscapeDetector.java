package org.percpulab.mm.percpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Records local-alias escapes (the review's osq_lock concern, seed-and-review.md): an address in
 * the percpu local area means "this CPU's copy" on whichever CPU uses it, so a local alias taken on
 * CPU a and handed to, or dereferenced on, CPU b silently reaches CPU b's copy. Each escape is a
 * {@link Hazard} with both CPUs and the address. Addresses outside the local area are never hazards.
 */
public final class AliasEscapeDetector {
  /** One escape: {@code va} obtained on {@code fromCpu} used on {@code toCpu}. */
  public record Hazard(String kind, int fromCpu, int toCpu, long va) {
    @Override
    public String toString() {
      return String.format("percpu local alias escape (%s): 0x%016x from cpu %d used on cpu %d",
          kind, va, fromCpu, toCpu);
    }
  }

  private final long start;
  private final long end;
  private final List<Hazard> hazards = new ArrayList<>();

  /** @param start local area start; {@code end} exclusive; start == end disables detection */
  public AliasEscapeDetector(long start, long end) {
    this.start = start;
    this.end = end;
  }

  public boolean isLocal(long va) {
    return Long.compareUnsigned(va, start) >= 0 && Long.compareUnsigned(va, end) < 0;
  }

  /** A pointer value {@code va} taken on {@code fromCpu} is stored where {@code toCpu} reads it. */
  public boolean handOff(long va, int fromCpu, int toCpu) {
    if (fromCpu != toCpu && isLocal(va)) {
      hazards.add(new Hazard("handed to another cpu", fromCpu, toCpu, va));
      return true;
    }
    return false;
  }

  /** {@code toCpu} dereferences {@code va} that was computed on {@code fromCpu}. */
  public boolean dereference(long va, int fromCpu, int toCpu) {
    if (fromCpu != toCpu && isLocal(va)) {
      hazards.add(new Hazard("dereferenced by another cpu", fromCpu, toCpu, va));
      return true;
    }
    return false;
  }

  public List<Hazard> hazards() {
    return List.copyOf(hazards);
  }
}
