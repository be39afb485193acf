package org.percpulab.core.plugin;

/**
 * A plugin (or backend) that could not be loaded, kept as data so the others still load and
 * {@code percpu-lab plugins} can list it.
 *
 * @param source the jar (or {@code classpath}) it concerns
 * @param message one line saying what is wrong, naming the jar and, where known, the class or id
 */
public record PluginLoadError(String source, String message) { }
