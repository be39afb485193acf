package org.percpulab.core.plugin;

import org.percpulab.core.spi.ArchBackend;

/**
 * One backend instance the registry holds, with its source. The instance is created once and
 * reused (PF4J's default factory would make a new one per lookup).
 */
public record LoadedBackend(ArchBackend backend, BackendSource source) {

  public String id() {
    return backend.id();
  }
}
