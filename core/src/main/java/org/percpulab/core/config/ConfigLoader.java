package org.percpulab.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the user's layers of config: the YAML file ({@code --config FILE}), then the
 * {@code --set key=value} assignments in order. Nested YAML maps flatten to dotted keys
 * ({@code mm: {pageSize: 16K}} is {@code mm.pageSize=16K}); dotted keys may also be written directly.
 * Defaults are added later ({@link Config#withDefaults}) once the backends' keys are known.
 */
public final class ConfigLoader {

  private ConfigLoader() { }

  /**
   * @param file YAML file, or null for none
   * @param sets {@code key=value} strings, applied in order after the file
   * @throws ConfigException missing/unreadable file, malformed YAML, a non-map document, or a
   *     {@code --set} without {@code =} or with an empty key; one line per problem
   */
  public static Config load(Path file, List<String> sets) {
    return load(Config.empty(), file, sets);
  }

  /** {@link #load(Path, List)} on top of lower layers ({@code base}: a profile, a .config). */
  public static Config load(Config base, Path file, List<String> sets) {
    Config c = base;
    if (file != null) {
      c = readYaml(c, file);
    }
    for (String s : sets) {
      c = applySet(c, s);
    }
    return c;
  }

  /** {@code key=value} from {@code --set}; the value may be empty or contain further '='. */
  public static Config applySet(Config c, String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0 || assignment.substring(0, eq).isBlank()) {
      throw new ConfigException("option '--set': value '" + assignment
          + "' is not allowed; allowed: key=value (e.g. --set cpus=16)");
    }
    return c.with(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim(),
        ConfigValue.SET);
  }

  static Config readYaml(Config c, Path file) {
    String label = file.toString();
    Object doc;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file '" + label + "': not found");
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark();
      String where = m == null ? "" : " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
      throw new ConfigException("config file '" + label + "': malformed YAML" + where + ": "
          + oneLine(e.getProblem()));
    } catch (YAMLException e) {
      throw new ConfigException("config file '" + label + "': malformed YAML: "
          + oneLine(e.getMessage()));
    } catch (IOException e) {
      throw new ConfigException("config file '" + label + "': cannot be read: "
          + oneLine(e.getMessage()));
    }
    if (doc == null) {
      return c;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException("config file '" + label
          + "': top level must be a map of keys (e.g. 'cpus: 16'), found " + kind(doc));
    }
    return flatten(c, "", map, label);
  }

  private static Config flatten(Config c, String prefix, Map<?, ?> map, String label) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      Object v = e.getValue();
      if (v instanceof Map<?, ?> sub) {
        c = flatten(c, key + ".", sub, label);
      } else if (v instanceof List<?> list) {
        StringBuilder sb = new StringBuilder();
        for (Object o : list) {
          if (sb.length() > 0) {
            sb.append(',');
          }
          sb.append(o);
        }
        c = c.with(key, sb.toString(), label);
      } else {
        c = c.with(key, v == null ? "" : v.toString(), label);
      }
    }
    return c;
  }

  private static String kind(Object doc) {
    if (doc instanceof List<?>) {
      return "a list";
    }
    return "the scalar '" + oneLine(doc.toString()) + "'";
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
