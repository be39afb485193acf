package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.LoadedBackend;
import org.percpulab.core.plugin.PluginLoadError;
import org.percpulab.core.spi.Geometry;
import picocli.CommandLine.Command;

/**
 * {@code percpu-lab plugins}: every arch backend found on the classpath and in the plugins dir, with
 * its version, source, features and supported geometries; plugin load errors on stderr (exit 1).
 */
@Command(name = "plugins", description = {
    "List the arch backends: id, version, source, features.",
    "List the arch backends: id, version, source, features, geometries.",
    "The source is 'classpath' or the plugin jar's path.",
    "Plugins that fail to load are reported on stderr (exit code 1); the others are still listed."})
public final class PluginsCommand extends BaseCommand {

  /** The rest of the config is checked too, so a bad --set is never silently ignored here. */
  private void validateConfig(ArchRegistry r) {
    java.util.List<org.percpulab.core.spi.ConfigKey> keys = org.percpulab.core.boot.Boot.keys(r);
    java.util.List<org.percpulab.core.spi.ConfigProblem> problems =
        new org.percpulab.core.config.ConfigValidator(keys)
            .checkValues(userConfig().withDefaults(keys), r.ids());
    if (!problems.isEmpty()) {
      throw org.percpulab.core.config.ConfigException.of(problems);
    }
  }

  @Override
  protected int run() {
    ArchRegistry r = registry();
    validateConfig(r);
    if (json()) {
      List<Object> list = new ArrayList<>();
      for (LoadedBackend b : r.backends()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", b.id());
        o.put("version", b.backend().version());
        o.put("source", b.source().label());
        o.put("features", new ArrayList<>(new TreeSet<>(b.backend().features())));
        List<Object> geos = new ArrayList<>();
        for (Geometry g : geometries(b)) {
          Map<String, Object> go = new LinkedHashMap<>();
          go.put("label", g.label());
          go.put("pageSize", g.pageSize());
          go.put("vaBits", g.vaBits());
          go.put("levels", g.levels());
          geos.add(go);
        }
        o.put("geometries", geos);
        List<String> keys = new ArrayList<>();
        b.backend().configKeys().forEach(k -> keys.add(k.name()));
        o.put("configKeys", keys);
        list.add(o);
      }
      printJson(list);
    } else {
      TextTable t = new TextTable("ID", "VERSION", "SOURCE", "FEATURES", "GEOMETRIES");
      for (LoadedBackend b : r.backends()) {
        List<String> labels = new ArrayList<>();
        for (Geometry g : geometries(b)) {
          labels.add(g.label());
        }
        TreeSet<String> features = new TreeSet<>(b.backend().features());
        t.row(b.id(), b.backend().version(), b.source().label(),
            features.isEmpty() ? "-" : String.join(",", features),
            labels.isEmpty() ? "-" : String.join(" ", labels));
      }
      out().print(t.render());
    }
    for (PluginLoadError e : r.errors()) {
      err().println("error: " + e.message());
    }
    return r.errors().isEmpty() ? ExitCodes.OK : ExitCodes.RUNTIME;
  }

  private List<Geometry> geometries(LoadedBackend b) {
    try {
      return b.backend().supportedGeometries();
    } catch (RuntimeException e) {
      err().println("error: backend '" + b.id() + "': supportedGeometries() failed: " + e);
      return List.of();
    }
  }
}
