package org.percpulab.core.boot;

import java.util.List;
import org.percpulab.core.config.Config;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.LoadedBackend;
import org.percpulab.core.spi.ConfigKey;

/**
 * A validated config with the backend it selects, before any machine is described: what
 * {@code percpu-lab config} prints.
 *
 * @param config effective values (defaults filled in), each with its source
 * @param registry every loaded backend and the plugin load errors
 * @param backend the backend {@code arch} selects
 * @param keys every known key (core, modules, every loaded backend), in documentation order
 */
public record ResolvedConfig(
    Config config, ArchRegistry registry, LoadedBackend backend, List<ConfigKey> keys) { }
