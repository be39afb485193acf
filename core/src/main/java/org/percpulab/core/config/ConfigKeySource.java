package org.percpulab.core.config;

import java.util.List;
import org.percpulab.core.spi.ConfigKey;

/**
 * Extra config keys contributed by a non-backend module (mm-vmalloc, mm-percpu, bench workloads),
 * found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/org.percpulab.core.config.ConfigKeySource}. Keys must be prefixed with
 * the module's area (e.g. {@code vmalloc.}, {@code percpu.}) and must not repeat a core key.
 */
public interface ConfigKeySource {

  /** The keys, immutable; their defaults must pass their own checks. Must not throw. */
  List<ConfigKey> configKeys();
}
