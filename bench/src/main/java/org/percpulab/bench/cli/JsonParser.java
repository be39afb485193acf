package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON reader for what {@link Json} writes (sweep job and result files, tests):
 * objects as LinkedHashMap, arrays as List, numbers as Long or Double. Errors are
 * IllegalArgumentException naming the offset.
 */
public final class JsonParser {

  private final String s;
  private int i;

  private JsonParser(String s) {
    this.s = s;
  }

  public static Object parse(String text) {
    JsonParser p = new JsonParser(text);
    Object v = p.value();
    p.ws();
    if (p.i != text.length()) {
      throw new IllegalArgumentException("trailing text at " + p.i);
    }
    return v;
  }

  private void ws() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private char peek() {
    ws();
    if (i >= s.length()) {
      throw new IllegalArgumentException("unexpected end");
    }
    return s.charAt(i);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
    }
    i++;
  }

  private Object value() {
    char c = peek();
    if (c == '{') {
      i++;
      Map<String, Object> m = new LinkedHashMap<>();
      if (peek() == '}') {
        i++;
        return m;
      }
      do {
        String k = string();
        expect(':');
        if (m.put(k, value()) != null) {
          throw new IllegalArgumentException("duplicate key " + k);
        }
      } while (comma());
      expect('}');
      return m;
    }
    if (c == '[') {
      i++;
      List<Object> l = new ArrayList<>();
      if (peek() == ']') {
        i++;
        return l;
      }
      do {
        l.add(value());
      } while (comma());
      expect(']');
      return l;
    }
    if (c == '"') {
      return string();
    }
    for (String lit : new String[] {"true", "false", "null"}) {
      if (s.startsWith(lit, i)) {
        i += lit.length();
        return lit.equals("null") ? null : Boolean.valueOf(lit);
      }
    }
    int start = i;
    while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    String num = s.substring(start, i);
    if (num.isEmpty()) {
      throw new IllegalArgumentException("bad value at " + start);
    }
    return num.matches("-?\\d+") ? (Object) Long.valueOf(num) : (Object) Double.valueOf(num);
  }

  private boolean comma() {
    if (peek() == ',') {
      i++;
      return true;
    }
    return false;
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw new IllegalArgumentException("control character in string at " + (i - 1));
      }
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
      }
    }
  }
}
