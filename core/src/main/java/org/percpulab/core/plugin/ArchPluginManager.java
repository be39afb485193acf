package org.percpulab.core.plugin;

import java.nio.file.Path;
import java.util.List;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.ServiceProviderExtensionFinder;

/**
 * PF4J plugin manager in ServiceLoader mode: extensions are found through
 * {@code META-INF/services} (written by PF4J's processor with
 * {@code pf4j.storageClassName=ServiceProviderExtensionStorage}), both on the classpath (plugin id
 * null) and in each started plugin jar. PF4J's default finder would read only
 * {@code META-INF/extensions.idx}.
 */
public class ArchPluginManager extends DefaultPluginManager {

  public ArchPluginManager(Path pluginsRoot) {
    super(pluginsRoot);
  }

  @Override
  protected ExtensionFinder createExtensionFinder() {
    ServiceProviderExtensionFinder finder = new ServiceProviderExtensionFinder(this);
    addPluginStateListener(finder);
    return finder;
  }

  /** The plugin id the descriptor at {@code path} declares, or null if it cannot be read. */
  public String declaredPluginId(Path path) {
    try {
      return pluginDescriptorFinder.find(path).getPluginId();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The {@code Plugin-Requires} the descriptor at {@code path} declares, or null if unreadable. */
  public String declaredRequires(Path path) {
    try {
      return pluginDescriptorFinder.find(path).getRequires();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Plugin jars/directories PF4J's repository finds under the root (zips are expanded). */
  public List<Path> pluginPaths() {
    return pluginRepository.getPluginPaths();
  }
}
