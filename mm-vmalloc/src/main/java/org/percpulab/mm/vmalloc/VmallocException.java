package org.percpulab.mm.vmalloc;

/**
 * Bad input to the vmalloc API: where the kernel WARNs and returns (e.g. "Trying to vfree()
 * nonexistent vm area") or BUGs on a caller error. Thrown before anything is changed; the message is
 * one line naming the value and what is allowed. Running out of address space or memory is never
 * reported this way (that is a normal NULL / -1 result).
 */
public final class VmallocException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public VmallocException(String message) {
    super(message);
  }
}
