package org.percpulab.mm.vmalloc;

/**
 * The {@code caller} of a vm_struct as /proc/vmallocinfo prints it with {@code %pS}:
 * {@code symbol+0xoffset/0xlength}.
 *
 * <p>Modelled, not measured: the simulator has no kernel image, so the symbol's offset and length are
 * chosen deterministically. {@link #of(String)} gives offset 0x0 and length {@link #MODELLED_LENGTH}
 * (0x100); for {@code pcpu_get_vm_areas} the kernel itself passes the function's own address, so
 * offset 0x0 is exact there and only the length is modelled.
 */
public record Caller(String symbol, long offset, long length) {
  /** Symbol length used when none is given. */
  public static final long MODELLED_LENGTH = 0x100;

  /** The caller tag pcpu_get_vm_areas puts on its areas. */
  public static final Caller PCPU_GET_VM_AREAS = of("pcpu_get_vm_areas");

  public Caller {
    if (symbol == null || symbol.isEmpty() || symbol.indexOf(' ') >= 0) {
      throw new VmallocException("caller symbol '" + symbol + "' must be one non-empty word");
    }
    if (offset < 0 || length <= 0 || offset >= length) {
      throw new VmallocException("caller offset 0x" + Long.toHexString(offset)
          + " must be inside the symbol length 0x" + Long.toHexString(length));
    }
  }

  public static Caller of(String symbol) {
    return new Caller(symbol, 0, MODELLED_LENGTH);
  }

  /** The {@code %pS} text, e.g. {@code pcpu_get_vm_areas+0x0/0x100}. */
  @Override public String toString() {
    return symbol + "+0x" + Long.toHexString(offset) + "/0x" + Long.toHexString(length);
  }
}
