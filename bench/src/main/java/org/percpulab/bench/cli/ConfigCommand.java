package org.percpulab.bench.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigValue;
import org.percpulab.core.config.CoreKeys;
import org.percpulab.core.spi.ConfigKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab config}: the effective, validated config; each key with its value and where it
 * came from ({@code default}, the YAML file, or {@code --set}). Keys without a value are decided by
 * the backend: shown with the value the backend derives and source {@code derived}.
 */
@Command(name = "config", description = {
    "Print the effective config: each key, value and source.",
    "Print the effective, validated config: each key's value and source.",
    "The source is 'default', the --config file, or '--set'. Keys the backend derives from the",
    "rest (mm.pageSize, mm.vaBits, mm.levels, tlb.entries) show the derived value, source",
    "'derived'. A backend that picks the geometry from other keys (s390: the kernel ASCE type)",
    "prints why, after the table.",
    "Keys of backends other than the selected one are hidden unless --all or given."})
public final class ConfigCommand extends BaseCommand {

  @Option(names = "--all",
      description = "Also list the keys of the backends that are not selected.")
  boolean all;

  @Option(names = "--explain",
      description = "With --kconfig: every CONFIG_ symbol read and what it set, before the table.")
  boolean explain;

  @Override
  protected int run() {
    if (explain && common.kconfig == null) {
      throw new org.percpulab.core.config.ConfigException("option '--explain': needs --kconfig"
          + " FILE; allowed: config --kconfig FILE --explain");
    }
    ResolvedConfig r = resolved();
    if (explain && json()) {
      printJson(ConfigExplain.json(inputs().kconfig()));
      return ExitCodes.OK;
    }
    if (explain) {
      out().print(ConfigExplain.text(inputs().kconfig(), r.config()));
    }
    Config c = r.config();
    Map<String, String> derived = derived();
    String geometryReason = boot().model().capability(org.percpulab.core.spi.GeometryChoice.class)
        .map(org.percpulab.core.spi.GeometryChoice::reason).orElse(null);
    Map<String, ConfigKey> keys = new java.util.TreeMap<>();
    for (ConfigKey k : r.keys()) {
      if (all || c.isExplicit(k.name()) || !ownedByOtherBackend(r, k.name())) {
        keys.putIfAbsent(k.name(), k);
      }
    }
    if (json()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      for (ConfigKey k : keys.values()) {
        Map<String, Object> o = new LinkedHashMap<>();
        ConfigValue v = c.entry(k.name()).orElse(null);
        String d = derived.get(k.name());
        o.put("value", v == null ? d : v.value());
        o.put("source", v == null ? (d == null ? ConfigValue.DEFAULT : DERIVED) : v.source());
        if (v != null && !v.note().isEmpty()) {
          o.put("note", v.note());
        } else if (geometryReason != null && GEOMETRY_KEYS.contains(k.name())) {
          o.put("note", geometryReason);
        }
        o.put("allowed", allowed(r, k));
        o.put("description", k.description());
        doc.put(k.name(), o);
      }
      printJson(doc);
    } else {
      TextTable t = new TextTable("KEY", "VALUE", "SOURCE", "ALLOWED");
      for (ConfigKey k : keys.values()) {
        ConfigValue v = c.entry(k.name()).orElse(null);
        String d = derived.get(k.name());
        t.row(k.name(), v == null ? (d == null ? "-" : d) : v.value(),
            v == null ? (d == null ? ConfigValue.DEFAULT : DERIVED) : v.source(), allowed(r, k));
      }
      out().print(t.render());
      if (geometryReason != null) {
        out().println("geometry: " + geometryReason);
      }
      if (inputs().profile() != null) {
        out().print(ConfigExplain.profile(inputs().profile(), c));
      }
    }
    return ExitCodes.OK;
  }

  /** The keys whose JSON entry carries the backend's geometry reason (GeometryChoice). */
  private static final java.util.Set<String> GEOMETRY_KEYS =
      java.util.Set.of("mm.pageSize", "mm.vaBits", "mm.levels");

  /** Source label of a value the backend derived. */
  static final String DERIVED = "derived";

  /** The values the selected backend derives for keys the user left empty. */
  private Map<String, String> derived() {
    org.percpulab.core.spi.ArchModel model = boot().model();
    org.percpulab.core.spi.Geometry g = model.geometry();
    Map<String, String> d = new LinkedHashMap<>();
    long ps = g.pageSize();
    d.put("mm.pageSize", ps >= 1024 ? (ps >> 10) + "K" : String.valueOf(ps));
    d.put("mm.vaBits", String.valueOf(g.vaBits()));
    d.put("mm.levels", String.valueOf(g.levels()));
    d.put("tlb.entries", String.valueOf(model.tlb().entries()));
    return d;
  }

  private static String allowed(ResolvedConfig r, ConfigKey k) {
    return k.name().equals(CoreKeys.ARCH) ? String.join("|", r.registry().ids()) : k.allowed();
  }

  private static boolean ownedByOtherBackend(ResolvedConfig r, String key) {
    for (String id : r.registry().ids()) {
      if (!id.equals(r.backend().id()) && key.startsWith(id + ".")) {
        return true;
      }
    }
    return false;
  }
}
