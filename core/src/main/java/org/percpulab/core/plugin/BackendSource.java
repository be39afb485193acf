package org.percpulab.core.plugin;

import java.nio.file.Path;

/**
 * Where a backend came from: the application classpath, or a plugin jar (or directory) in the
 * plugins dir.
 *
 * @param jar the plugin path, or null for the classpath
 * @param pluginId the PF4J plugin id, or null for the classpath
 */
public record BackendSource(Path jar, String pluginId) {

  public static final BackendSource CLASSPATH = new BackendSource(null, null);

  public boolean isClasspath() {
    return jar == null;
  }

  /** {@code classpath} or the jar path, as printed by {@code percpu-lab plugins}. */
  public String label() {
    return jar == null ? "classpath" : jar.toString();
  }

  @Override
  public String toString() {
    return label();
  }
}
