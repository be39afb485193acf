package org.percpulab.core.kconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.percpulab.core.config.ConfigException;

/**
 * A kernel {@code .config} as scripts/kconfig writes it ({@code make olddefconfig}):
 * {@code CONFIG_X=y|m}, {@code CONFIG_X="string"}, {@code CONFIG_X=<decimal or 0x hex>},
 * {@code # CONFIG_X is not set} (read as {@code n}); other comments and blank lines are skipped.
 * A symbol given twice keeps its last value, as kconfig's own reader does. Values are kept as
 * text: {@code y}, {@code m}, {@code n}, the unquoted string, or the number as written.
 */
public final class KconfigFile {
  private static final Pattern SET = Pattern.compile("(CONFIG_[A-Za-z0-9_]+)=(.*)");
  private static final Pattern NOT_SET = Pattern.compile("# (CONFIG_[A-Za-z0-9_]+) is not set");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+|0[xX][0-9a-fA-F]+");

  private final String label;
  private final Map<String, String> values;
  private final int lines;

  private KconfigFile(String label, Map<String, String> values, int lines) {
    this.label = label;
    this.values = Collections.unmodifiableMap(values);
    this.lines = lines;
  }

  /**
   * @throws ConfigException missing/unreadable file, or a line that is neither a comment nor
   *     {@code CONFIG_X=value} (one line naming the file, the line number and what is allowed)
   */
  public static KconfigFile read(Path file) {
    String label = file.toString();
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("kconfig file '" + label + "': not found");
    } catch (IOException e) {
      throw new ConfigException("kconfig file '" + label + "': cannot be read: " + e.getMessage());
    }
    return parse(label, text);
  }

  /** Parses {@code text} (one entry per line); {@code label} names it in messages and sources. */
  public static KconfigFile parse(String label, List<String> text) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i).strip();
      Matcher ns = NOT_SET.matcher(line);
      if (ns.matches()) {
        values.put(ns.group(1), "n");
        continue;
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SET.matcher(line);
      String value = m.matches() ? parseValue(m.group(2)) : null;
      if (value == null) {
        String shown = line.length() > 60 ? line.substring(0, 60) + "..." : line;
        throw new ConfigException("kconfig file '" + label + "': line " + (i + 1) + " '" + shown
            + "' is not allowed; allowed: CONFIG_NAME=y|m|\"string\"|number or '# CONFIG_NAME is"
            + " not set'");
      }
      values.remove(m.group(1));
      values.put(m.group(1), value);
    }
    return new KconfigFile(label, values, text.size());
  }

  private static String parseValue(String raw) {
    if (raw.equals("y") || raw.equals("m") || raw.equals("n")) {
      return raw;
    }
    if (NUMBER.matcher(raw).matches()) {
      return raw;
    }
    if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i < raw.length() - 1; i++) {
        char c = raw.charAt(i);
        if (c == '\\' && i + 1 < raw.length() - 1) {
          c = raw.charAt(++i);
        } else if (c == '"') {
          return null;
        }
        b.append(c);
      }
      return b.toString();
    }
    return null;
  }

  /** The file as given on the command line. */
  public String label() {
    return label;
  }

  /** Lines in the file. */
  public int lines() {
    return lines;
  }

  /** Every symbol in file order with its value ({@code n} for "is not set"). */
  public Map<String, String> values() {
    return values;
  }

  /** The symbol's value, or null when the file does not mention it. */
  public String value(String symbol) {
    return values.get(symbol);
  }
}
