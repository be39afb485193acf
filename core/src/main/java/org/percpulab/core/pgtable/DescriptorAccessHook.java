package org.percpulab.core.pgtable;

/**
 * Fault injection / tracing at the engine's single descriptor choke-point (QEMU's
 * {@code arm_ldq_ptw} idea). Each method returns the value actually read or written; return the
 * argument unchanged to only observe.
 */
public interface DescriptorAccessHook {

  default long onRead(int level, long entryPa, long value) {
    return value;
  }

  default long onWrite(int level, long entryPa, long value) {
    return value;
  }
}
