package org.percpulab.bench.cli;

import java.util.Collection;
import java.util.Map;

/**
 * A tiny, deterministic JSON writer for CLI output. Values: {@link Map} (written in its iteration
 * order, so pass a LinkedHashMap or TreeMap), {@link Collection}, arrays of primitives are not
 * supported, {@link CharSequence}, {@link Number}, {@link Boolean}, {@code null}; anything else is
 * written as its {@code toString()} string. Output is pretty-printed with two-space indents and a
 * trailing newline. (Written here rather than adding Jackson/Gson: the CLI only ever writes small
 * documents, and a 100-line writer keeps the jar and the dependency list small.)
 */
public final class Json {

  private Json() { }

  /** The JSON text of {@code value}, ending with a newline. */
  public static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    sb.append('\n');
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v, int indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        pad(sb, indent + 1);
        string(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent + 1);
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append('}');
    } else if (v instanceof Collection<?> c) {
      if (c.isEmpty()) {
        sb.append("[]");
        return;
      }
      boolean scalars = true;
      for (Object o : c) {
        if (o instanceof Map<?, ?> || o instanceof Collection<?>) {
          scalars = false;
          break;
        }
      }
      if (scalars) {
        sb.append('[');
        int i = 0;
        for (Object o : c) {
          write(sb, o, indent);
          if (++i < c.size()) {
            sb.append(", ");
          }
        }
        sb.append(']');
        return;
      }
      sb.append("[\n");
      int i = 0;
      for (Object o : c) {
        pad(sb, indent + 1);
        write(sb, o, indent + 1);
        sb.append(++i < c.size() ? ",\n" : "\n");
      }
      pad(sb, indent);
      sb.append(']');
    } else if (v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Double d && (d.isNaN() || d.isInfinite())
        || v instanceof Float f && (f.isNaN() || f.isInfinite())) {
      sb.append("null");
    } else if (v instanceof Number) {
      sb.append(v);
    } else {
      string(sb, v.toString());
    }
  }

  private static void pad(StringBuilder sb, int indent) {
    for (int i = 0; i < indent; i++) {
      sb.append("  ");
    }
  }

  /** Appends {@code s} as a JSON string literal. */
  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
