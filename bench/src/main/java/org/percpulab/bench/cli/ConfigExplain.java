package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigValue;
import org.percpulab.core.kconfig.Kconfig;
import org.percpulab.core.profile.MachineProfile;

/**
 * The text of {@code config --kconfig FILE --explain} (every CONFIG_ symbol read, what it set, and
 * which later layer overrode it) and of {@code config --profile NAME} (each value with its source).
 */
final class ConfigExplain {

  private ConfigExplain() { }

  static String text(Kconfig.Result k, Config effective) {
    StringBuilder b = new StringBuilder();
    b.append("kconfig ").append(k.file().label()).append(": ").append(k.file().lines())
        .append(" lines, ").append(k.file().values().size()).append(" CONFIG_ symbols, ")
        .append(k.file().values().size() - k.unused().size()).append(" read by the model\n");
    TextTable t = new TextTable("SYMBOLS READ", "EFFECT");
    for (Kconfig.Line l : k.lines()) {
      t.row(l.symbols(), l.effect());
    }
    b.append(t.render());
    List<String> overridden = new ArrayList<>();
    for (ConfigValue v : k.config().entries()) {
      if (v.source().startsWith(Kconfig.SOURCE_PREFIX)) {
        ConfigValue now = effective.entry(v.key()).orElse(v);
        if (!now.source().equals(v.source())) {
          overridden.add(v.key() + "=" + v.value() + " (kconfig) -> " + now.value() + " ("
              + now.source() + ")");
        }
      }
    }
    if (!overridden.isEmpty()) {
      b.append("overridden by a later layer: ").append(String.join("; ", overridden)).append('\n');
    }
    b.append("not used by the model (").append(k.unused().size()).append("): ")
        .append(k.unused().isEmpty() ? "-" : String.join(" ", k.unused())).append("\n\n");
    return b.toString();
  }

  static Map<String, Object> json(Kconfig.Result k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", k.file().label());
    List<Object> read = new ArrayList<>();
    for (Kconfig.Line l : k.lines()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("symbols", l.symbols());
      o.put("effect", l.effect());
      read.add(o);
    }
    m.put("read", read);
    m.put("unused", k.unused());
    m.put("warnings", k.warnings());
    return m;
  }

  static String profile(MachineProfile p, Config effective) {
    StringBuilder b = new StringBuilder();
    b.append("\nprofile ").append(p.name()).append(": ").append(p.title()).append(" (")
        .append(p.origin()).append(")\n");
    TextTable t = new TextTable("KEY", "PROFILE VALUE", "EFFECTIVE", "SOURCE OF THE NUMBER");
    for (MachineProfile.Setting s : p.settings()) {
      t.row(s.key(), s.value(), effective.raw(s.key()).orElse("-"), s.source());
    }
    b.append(t.render());
    return b.toString();
  }
}
