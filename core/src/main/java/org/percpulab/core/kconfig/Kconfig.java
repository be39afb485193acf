package org.percpulab.core.kconfig;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.LoadedBackend;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.KconfigMapping;
import org.percpulab.core.spi.KconfigRule;

/**
 * Applies a kernel {@code .config} ({@code --kconfig FILE}) to a config layer through the mapping
 * tables ({@link KconfigMapping}): core's and modules' (ServiceLoader) and the loaded backends'
 * (those whose {@link KconfigMapping#archSymbol} is {@code y} in the file). Values it sets carry
 * the source {@code kconfig:FILE} and the symbol as their note. Every rule that applies yields one
 * {@link Line} of explanation; a target key this build does not register is reported as "not
 * modelled by this build", an unsupported option as unsupported, both also in
 * {@link Result#warnings()}.
 */
public final class Kconfig {

  /** Source label prefix of kconfig values: {@code kconfig:FILE}. */
  public static final String SOURCE_PREFIX = "kconfig:";

  private Kconfig() { }

  /** One explanation row: the symbols a rule read (with values) and what it did. */
  public record Line(String symbols, String effect) { }

  /**
   * @param config the input layer with the kconfig values applied
   * @param lines one per applied rule, in table order
   * @param unused symbols of the file no rule read, in file order
   * @param warnings unsupported options and values for keys this build does not register
   * @param limits key -> [max, the symbol that set it] (checked by {@link #checkLimits})
   */
  public record Result(Config config, KconfigFile file, List<Line> lines, List<String> unused,
      List<String> warnings, Map<String, String[]> limits) {

    /** Problems of the final config against the file's build-time maxima (e.g. MAX_NUMNODES). */
    public List<ConfigProblem> checkLimits(ConfigView full) {
      List<ConfigProblem> out = new ArrayList<>();
      for (Map.Entry<String, String[]> e : limits.entrySet()) {
        String v = full.raw(e.getKey()).orElse("").trim();
        try {
          if (!v.isEmpty() && Long.parseLong(v) > Long.parseLong(e.getValue()[0])) {
            out.add(new ConfigProblem(e.getKey(), v, "at most " + e.getValue()[0] + " ("
                + e.getValue()[1] + " in " + file.label() + ")"));
          }
        } catch (NumberFormatException ignored) {
          // the key's own check reports a non-number
        }
      }
      return out;
    }
  }

  /** Every table: ServiceLoader contributions (core's first), then each loaded backend's. */
  public static List<KconfigMapping> mappings(ArchRegistry registry) {
    List<KconfigMapping> out = new ArrayList<>();
    for (KconfigMapping m : ServiceLoader.load(KconfigMapping.class,
        Kconfig.class.getClassLoader())) {
      out.add(m);
    }
    for (LoadedBackend b : registry.backends()) {
      if (b.backend() instanceof KconfigMapping m) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Applies {@code file} on top of {@code base}.
   *
   * @param known every registered key with its default (a missing target is "not modelled")
   * @throws org.percpulab.core.config.ConfigException when two symbols set one key to different
   *     values (one line per key)
   */
  public static Result apply(Config base, KconfigFile file, List<KconfigMapping> tables,
      Collection<ConfigKey> known) {
    Map<String, String> defaults = new HashMap<>();
    for (ConfigKey k : known) {
      defaults.putIfAbsent(k.name(), k.defaultValue());
    }
    String source = SOURCE_PREFIX + file.label();
    Config c = base;
    List<Line> lines = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Set<String> read = new HashSet<>();
    Map<String, String[]> setBy = new LinkedHashMap<>();
    Map<String, String[]> limits = new LinkedHashMap<>();
    List<ConfigProblem> conflicts = new ArrayList<>();
    for (KconfigMapping t : tables) {
      if (!t.archSymbol().isEmpty() && !"y".equals(file.value(t.archSymbol()))) {
        continue;
      }
      for (KconfigRule r : t.kconfigRules()) {
        if (r.prefix()) {
          StringBuilder syms = new StringBuilder();
          String why = null;
          for (Map.Entry<String, String> e : file.values().entrySet()) {
            if (!e.getKey().startsWith(r.symbols().get(0))) {
              continue;
            }
            KconfigRule.Outcome o = r.mapper().map(s -> e.getValue());
            read.add(e.getKey());
            if (o != null) {
              syms.append(syms.length() == 0 ? "" : " ").append(e.getKey()).append('=')
                  .append(e.getValue());
              why = o.why();
            }
          }
          if (why != null) {
            lines.add(new Line(syms.toString(), "UNSUPPORTED: " + why));
            warnings.add(syms + ": not supported by the model: " + why);
          }
          continue;
        }
        KconfigRule.Outcome o = r.mapper().map(file::value);
        if (o == null) {
          continue;
        }
        StringBuilder syms = new StringBuilder();
        for (String s : r.symbols()) {
          if (file.value(s) != null) {
            read.add(s);
            syms.append(syms.length() == 0 ? "" : " ").append(s).append('=').append(file.value(s));
          }
        }
        String sym = syms.toString();
        boolean registered = defaults.containsKey(r.key());
        switch (o.kind()) {
          case SET -> {
            if (!registered) {
              lines.add(new Line(sym, r.key() + "=" + o.value() + ": not modelled by this build"
                  + " (no key " + r.key() + "); " + o.why()));
              warnings.add(sym + ": " + r.key() + "=" + o.value()
                  + " is not modelled by this build (no key " + r.key() + "); ignored");
              break;
            }
            String[] prev = setBy.get(r.key());
            if (prev != null && !prev[0].equals(o.value())) {
              conflicts.add(new ConfigProblem(r.key(), o.value(), "one value: " + prev[1]
                  + " gives " + prev[0] + " but " + sym + " gives " + o.value() + " in "
                  + file.label()));
              break;
            }
            setBy.put(r.key(), new String[] {o.value(), sym});
            c = c.with(r.key(), o.value(), source, sym);
            lines.add(new Line(sym, r.key() + "=" + o.value() + " (" + o.why() + ")"));
          }
          case KEEP -> {
            String now = c.raw(r.key()).orElse(defaults.getOrDefault(r.key(), ""));
            String from = c.entry(r.key()).map(v -> v.source()).orElse("default");
            lines.add(new Line(sym, (registered ? "keeps " + r.key() + "="
                + (now.isEmpty() ? "(backend's)" : now) + " from " + from : r.key()
                + ": not modelled by this build") + "; " + o.why()));
          }
          case LIMIT -> {
            if (registered) {
              limits.put(r.key(), new String[] {o.value(), sym});
              lines.add(new Line(sym, r.key() + " <= " + o.value() + " (" + o.why() + ")"));
            } else {
              lines.add(new Line(sym, r.key() + " <= " + o.value() + ": not modelled by this"
                  + " build; " + o.why()));
              warnings.add(sym + ": " + r.key() + " is not modelled by this build; ignored");
            }
          }
          case UNSUPPORTED -> {
            lines.add(new Line(sym, "UNSUPPORTED: " + o.why()));
            warnings.add(sym + ": not supported by the model: " + o.why());
          }
          default -> throw new IllegalStateException(o.kind().toString());
        }
      }
    }
    if (!conflicts.isEmpty()) {
      throw org.percpulab.core.config.ConfigException.of(conflicts);
    }
    List<String> unused = new ArrayList<>();
    for (String s : file.values().keySet()) {
      if (!read.contains(s)) {
        unused.add(s);
      }
    }
    return new Result(c, file, List.copyOf(lines), List.copyOf(unused),
        List.copyOf(new LinkedHashSet<>(warnings)), limits);
  }
}
