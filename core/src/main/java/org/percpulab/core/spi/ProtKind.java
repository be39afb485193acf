package org.percpulab.core.spi;

/** The kernel's named protections (pgprot_t values) a backend must encode. */
public enum ProtKind {
  /** PAGE_KERNEL: read/write, never executable. */
  KERNEL,
  /** PAGE_KERNEL_RO. */
  KERNEL_RO,
  /** PAGE_KERNEL_ROX: kernel text. */
  KERNEL_ROX,
  /** PAGE_KERNEL_EXEC: writable and executable (what the W+X check flags). */
  KERNEL_EXEC,
  /** Device memory (ioremap). */
  DEVICE
}
