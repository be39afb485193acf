package org.percpulab.core.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.CoreKeys;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.SpiVersion;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Every {@link ArchBackend} the application can use, by id: the ones on the classpath and the ones in
 * plugin jars under the plugins dir (PF4J, ServiceLoader mode). Each backend is instantiated once.
 * A plugin that fails (bad descriptor, missing class, constructor that throws, a second copy of core
 * inside the jar, duplicate id) becomes a {@link PluginLoadError}; the others still load.
 *
 * <p>The kernel analogue is the set of arches a build can target; here the choice is made at run
 * time by the {@code arch} config key.
 */
public final class ArchRegistry implements AutoCloseable {

  private static final Logger LOG = LogManager.getLogger(ArchRegistry.class);

  private final ArchPluginManager manager;
  private final Map<String, LoadedBackend> byId = new LinkedHashMap<>();
  private final Map<String, String> duplicates = new LinkedHashMap<>();
  private final List<PluginLoadError> errors = new ArrayList<>();

  private ArchRegistry(ArchPluginManager manager) {
    this.manager = manager;
  }

  /**
   * Loads classpath backends and, if {@code pluginsDir} is a directory, every plugin in it (an
   * absent directory is fine). Never throws for a bad plugin.
   */
  public static ArchRegistry load(Path pluginsDir) {
    ArchRegistry r = new ArchRegistry(new ArchPluginManager(pluginsDir));
    r.loadClasspath();
    if (Files.isDirectory(pluginsDir)) {
      r.loadPluginsDir();
    } else {
      LOG.debug("plugins dir {} absent: classpath backends only", pluginsDir);
    }
    return r;
  }

  private void loadClasspath() {
    List<Class<? extends ArchBackend>> classes;
    try {
      classes = manager.getExtensionClasses(ArchBackend.class, null);
    } catch (RuntimeException e) {
      errors.add(new PluginLoadError("classpath", "classpath: cannot list backends: " + e));
      return;
    }
    for (Class<? extends ArchBackend> c : sorted(classes)) {
      instantiate(c, BackendSource.CLASSPATH);
    }
  }

  private void loadPluginsDir() {
    List<Path> paths = new ArrayList<>(manager.pluginPaths());
    Collections.sort(paths);
    for (Path p : paths) {
      if (Files.isDirectory(p) && !Files.exists(p.resolve("plugin.properties"))
          && !Files.exists(p.resolve("META-INF").resolve("MANIFEST.MF"))) {
        // a build output dir (classes/, test-classes/...) next to the jar: no descriptor, no plugin
        LOG.debug("{}: directory without plugin.properties or META-INF/MANIFEST.MF, not a plugin", p);
        continue;
      }
      String declared = manager.declaredPluginId(p);
      PluginWrapper first = declared == null ? null : manager.getPlugin(declared);
      if (first != null) {
        errors.add(new PluginLoadError(p.toString(), "plugin jar '" + p + "': duplicate plugin id '"
            + declared + "' (already loaded from '" + first.getPluginPath() + "')"));
        continue;
      }
      String spiProblem = spiProblem(p, manager.declaredRequires(p));
      if (spiProblem != null) {
        errors.add(new PluginLoadError(p.toString(), spiProblem));
        continue;
      }
      String pluginId;
      try {
        pluginId = manager.loadPlugin(p);
      } catch (RuntimeException e) {
        errors.add(new PluginLoadError(p.toString(),
            "plugin jar '" + p + "': cannot be loaded: " + describe(e)));
        continue;
      }
      if (pluginId == null) {
        errors.add(new PluginLoadError(p.toString(), "plugin jar '" + p + "': cannot be loaded"));
        continue;
      }
      PluginState state;
      try {
        state = manager.startPlugin(pluginId);
      } catch (RuntimeException e) {
        errors.add(new PluginLoadError(p.toString(),
            "plugin jar '" + p + "': cannot be started: " + describe(e)));
        continue;
      }
      PluginWrapper w = manager.getPlugin(pluginId);
      if (state != PluginState.STARTED) {
        Throwable t = w.getFailedException();
        errors.add(new PluginLoadError(p.toString(), "plugin jar '" + p + "': state " + state
            + (t == null ? "" : ": " + describe(t))));
        continue;
      }
      loadPlugin(p, w);
    }
  }

  /**
   * Null when the jar's {@code Plugin-Requires} is compatible with {@link SpiVersion#CURRENT} or
   * absent ({@code *}: built before SPI versions existed), else the one-line refusal.
   */
  static String spiProblem(Path p, String requires) {
    if (requires == null || requires.isBlank() || requires.trim().equals("*")) {
      return null;
    }
    Optional<SpiVersion> v = SpiVersion.parse(requires);
    if (v.isEmpty()) {
      return "plugin jar '" + p + "': Plugin-Requires '" + requires.trim() + "' is not an SPI "
          + "version X.Y.Z; core provides SPI " + SpiVersion.CURRENT;
    }
    if (!SpiVersion.CURRENT.accepts(v.get())) {
      return "plugin jar '" + p + "': built for SPI " + v.get() + " (Plugin-Requires), core "
          + "provides SPI " + SpiVersion.CURRENT + ": incompatible, rebuild the plugin against "
          + "core's SPI " + SpiVersion.CURRENT.major() + ".x";
    }
    return null;
  }

  private void loadPlugin(Path p, PluginWrapper w) {
    String pluginId = w.getPluginId();
    BackendSource source = new BackendSource(p, pluginId);
    List<Class<? extends ArchBackend>> classes;
    try {
      classes = manager.getExtensionClasses(ArchBackend.class, pluginId);
    } catch (RuntimeException e) {
      errors.add(new PluginLoadError(p.toString(),
          "plugin jar '" + p + "': cannot list backends: " + describe(e)));
      return;
    }
    Set<String> found = new HashSet<>();
    for (Class<? extends ArchBackend> c : classes) {
      found.add(c.getName());
    }
    int listedBackends = classes.size();
    for (String name : new java.util.TreeSet<>(manager.getExtensionClassNames(pluginId))) {
      if (found.contains(name)) {
        continue;
      }
      try {
        Class<?> c = Class.forName(name, false, w.getPluginClassLoader());
        if (namesArchBackend(c)) {
          listedBackends++;
          errors.add(new PluginLoadError(p.toString(), "plugin jar '" + p + "': class " + name
              + " implements a different copy of " + ArchBackend.class.getName()
              + " (the jar must not contain core classes: use <scope>provided</scope>)"));
        }
      } catch (ClassNotFoundException | LinkageError e) {
        listedBackends++;
        errors.add(new PluginLoadError(p.toString(), "plugin jar '" + p + "': class " + name
            + " listed in META-INF/services cannot be loaded: " + describe(e)));
      }
    }
    if (listedBackends == 0) {
      errors.add(new PluginLoadError(p.toString(), "plugin jar '" + p
          + "': declares no " + ArchBackend.class.getName() + " in META-INF/services"));
    }
    for (Class<? extends ArchBackend> c : sorted(classes)) {
      instantiate(c, source);
    }
  }

  private void instantiate(Class<? extends ArchBackend> c, BackendSource source) {
    ArchBackend b;
    String id;
    try {
      b = manager.getExtensionFactory().create(c);
      id = b.id();
    } catch (RuntimeException | LinkageError e) {
      errors.add(new PluginLoadError(source.label(), where(source) + "backend class " + c.getName()
          + " cannot be created: " + describe(e)));
      return;
    }
    LoadedBackend prev = byId.get(id);
    if (prev != null) {
      String line = "duplicate backend id '" + id + "': " + prev.source().label() + " and "
          + source.label();
      duplicates.putIfAbsent(id, line);
      errors.add(new PluginLoadError(source.label(), line));
      return;
    }
    LOG.debug("backend {} {} from {}", id, b.version(), source.label());
    byId.put(id, new LoadedBackend(b, source));
  }

  private static String where(BackendSource s) {
    return s.isClasspath() ? "classpath: " : "plugin jar '" + s.label() + "': ";
  }

  private static boolean namesArchBackend(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getSuperclass()) {
      for (Class<?> i : k.getInterfaces()) {
        if (i.getName().equals(ArchBackend.class.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    String text = root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    return text.replaceAll("\\s*\\R\\s*", " ");
  }

  private static <T> List<Class<? extends T>> sorted(List<Class<? extends T>> classes) {
    List<Class<? extends T>> out = new ArrayList<>(classes);
    out.sort(Comparator.comparing(Class::getName));
    return out;
  }

  /** Loaded backends sorted by id (a duplicated id shows its first source). */
  public List<LoadedBackend> backends() {
    List<LoadedBackend> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(LoadedBackend::id));
    return out;
  }

  /** Sorted ids of the loaded backends. */
  public List<String> ids() {
    List<String> out = new ArrayList<>(byId.keySet());
    Collections.sort(out);
    return out;
  }

  /** Plugins or backends that failed, in load order (classpath first, then jars by path). */
  public List<PluginLoadError> errors() {
    return Collections.unmodifiableList(errors);
  }

  public Optional<LoadedBackend> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /**
   * The backend with {@code id}; the same instance on every call.
   *
   * @throws ConfigException unknown id (the line lists the valid ids) or an id two sources define
   */
  public LoadedBackend select(String id) {
    String dup = duplicates.get(id);
    if (dup != null) {
      throw new ConfigException("config key '" + CoreKeys.ARCH + "': value '" + id
          + "' is ambiguous; " + dup);
    }
    LoadedBackend b = byId.get(id);
    if (b == null) {
      throw ConfigException.of(List.of(new ConfigProblem(CoreKeys.ARCH, id,
          byId.isEmpty() ? "a loaded backend id (none is loaded)" : String.join("|", ids()))));
    }
    return b;
  }

  /** Stops and unloads the plugins (closes their class loaders). */
  @Override
  public void close() {
    try {
      manager.stopPlugins();
      manager.unloadPlugins();
    } catch (RuntimeException e) {
      LOG.debug("unloading plugins failed", e);
    }
  }
}
