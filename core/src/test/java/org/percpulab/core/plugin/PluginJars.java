package org.percpulab.core.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.percpulab.core.spi.ArchBackend;

/**
 * Writes small plugin jars for tests: compiled test classes (with their nested classes), a MANIFEST
 * with {@code Plugin-Id}/{@code Plugin-Version}, and the {@code META-INF/services} file for
 * {@link ArchBackend}. Never copies core classes unless asked (the PluginClassLoader is plugin-first).
 */
public final class PluginJars {

  private PluginJars() { }

  /**
   * @param pluginId Plugin-Id, or null to leave it out (a bad descriptor)
   * @param services lines of the ArchBackend services file (class names, may name missing classes)
   * @param classes classes whose .class files (and nested ones) go in the jar
   */
  public static Path write(Path jar, String pluginId, List<String> services, Class<?>... classes)
      throws IOException {
    return write(jar, pluginId, null, services, classes);
  }

  /** As {@link #write(Path, String, List, Class...)} with {@code Plugin-Requires} (null: absent). */
  public static Path write(Path jar, String pluginId, String requires, List<String> services,
      Class<?>... classes) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest mf = new Manifest();
    Attributes a = mf.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (pluginId != null) {
      a.putValue("Plugin-Id", pluginId);
    }
    a.putValue("Plugin-Version", "0.0.1");
    if (requires != null) {
      a.putValue("Plugin-Requires", requires);
    }
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os, mf)) {
      java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
      for (Class<?> c : classes) {
        files.putAll(classFiles(c));
      }
      files.put("META-INF/services/" + ArchBackend.class.getName(),
          (String.join("\n", services) + "\n").getBytes(StandardCharsets.UTF_8));
      // Directory entries matter: PF4J finds META-INF/services as a directory resource.
      java.util.Set<String> dirs = new java.util.TreeSet<>();
      for (String name : files.keySet()) {
        for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
          dirs.add(name.substring(0, i + 1));
        }
      }
      dirs.remove("META-INF/");
      out.putNextEntry(new JarEntry("META-INF/"));
      out.closeEntry();
      for (String d : dirs) {
        out.putNextEntry(new JarEntry(d));
        out.closeEntry();
      }
      {
        for (java.util.Map.Entry<String, byte[]> f : files.entrySet()) {
          out.putNextEntry(new JarEntry(f.getKey()));
          out.write(f.getValue());
          out.closeEntry();
        }
      }
    }
    return jar;
  }

  /** A jar for {@code backend} with its own services line and plugin id. */
  public static Path backendJar(Path jar, String pluginId, Class<? extends ArchBackend> backend,
      Class<?>... more) throws IOException {
    Class<?>[] all = new Class<?>[more.length + 1];
    all[0] = backend;
    System.arraycopy(more, 0, all, 1, more.length);
    return write(jar, pluginId, List.of(backend.getName() + " # test plugin"), all);
  }

  /** Jar entries (name, bytes) of {@code c} and every class declared in it, recursively. */
  static java.util.Map<String, byte[]> classFiles(Class<?> c) throws IOException {
    java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
    String name = c.getName().replace('.', '/') + ".class";
    out.put(name, resource(name));
    for (Class<?> inner : c.getDeclaredClasses()) {
      out.putAll(classFiles(inner));
    }
    return out;
  }

  /** Reads a class-path resource fully. */
  static byte[] resource(String name) throws IOException {
    try (InputStream in = PluginJars.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no resource " + name);
      }
      return in.readAllBytes();
    }
  }
}
