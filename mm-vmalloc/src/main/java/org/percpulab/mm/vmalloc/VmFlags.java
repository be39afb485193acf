package org.percpulab.mm.vmalloc;

/**
 * The {@code VM_*} flags of {@code struct vm_struct} with the kernel's values
 * (include/linux/vmalloc.h, v6.17).
 */
public final class VmFlags {
  public static final int VM_IOREMAP = 0x00000001;
  public static final int VM_ALLOC = 0x00000002;
  public static final int VM_MAP = 0x00000004;
  public static final int VM_USERMAP = 0x00000008;
  public static final int VM_DMA_COHERENT = 0x00000010;
  public static final int VM_UNINITIALIZED = 0x00000020;
  public static final int VM_NO_GUARD = 0x00000040;
  public static final int VM_KASAN = 0x00000080;
  public static final int VM_FLUSH_RESET_PERMS = 0x00000100;
  public static final int VM_MAP_PUT_PAGES = 0x00000200;
  public static final int VM_ALLOW_HUGE_VMAP = 0x00000400;
  public static final int VM_DEFER_KMEMLEAK = 0x00000800;
  public static final int VM_SPARSE = 0x00001000;

  private VmFlags() {
  }
}
