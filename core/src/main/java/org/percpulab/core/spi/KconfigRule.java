package org.percpulab.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One row of a kernel {@code .config} mapping table: which {@code CONFIG_} symbols it reads, which
 * config key it sets, and how (the kernel analogue: what a Kconfig symbol selects in the code the
 * model mirrors). Rules are data; core's {@code org.percpulab.core.kconfig.Kconfig} applies them.
 *
 * <p>Contract for {@link Mapper#map}: given the file's values (symbol with its {@code CONFIG_}
 * prefix -> {@code y}, {@code m}, {@code n} for "is not set", or the text of a string or number;
 * {@code null} when the file does not mention the symbol), return {@code null} when the rule does
 * not apply (none of its symbols is in the file), else an {@link Outcome}. Never throws.
 *
 * @param symbols the symbols the rule reads (for the explanation and the "not used" count)
 * @param key the config key it targets; may name a key this build does not register (then the
 *     value is reported as "not modelled by this build", never dropped silently)
 * @param prefix true when {@code symbols} holds one prefix that matches every symbol starting with
 *     it (used for unsupported families such as {@code CONFIG_KASAN*})
 * @param mapper the mapping
 */
public record KconfigRule(List<String> symbols, String key, boolean prefix, Mapper mapper) {

  public KconfigRule {
    symbols = List.copyOf(symbols);
    Objects.requireNonNull(key);
    Objects.requireNonNull(mapper);
  }

  /** What the rule does with the file's values. */
  @FunctionalInterface
  public interface Mapper {
    Outcome map(Function<String, String> value);
  }

  /** What a rule decided. */
  public enum Kind {
    /** Set {@code key} to {@code value}. */
    SET,
    /** Leave {@code key} as the other layers have it; {@code why} says who decides. */
    KEEP,
    /** The model does not support this option; its figures would be wrong if it were on. */
    UNSUPPORTED,
    /** {@code key}'s final value must be at most {@code value} (a build-time maximum). */
    LIMIT
  }

  /**
   * @param kind what to do
   * @param value the value to set, or the limit; empty for KEEP/UNSUPPORTED
   * @param why one line for the explanation
   */
  public record Outcome(Kind kind, String value, String why) {
    public static Outcome set(String value, String why) {
      return new Outcome(Kind.SET, value, why);
    }

    public static Outcome keep(String why) {
      return new Outcome(Kind.KEEP, "", why);
    }

    public static Outcome unsupported(String why) {
      return new Outcome(Kind.UNSUPPORTED, "", why);
    }

    public static Outcome limit(long max, String why) {
      return new Outcome(Kind.LIMIT, Long.toString(max), why);
    }
  }

  /** {@code CONFIG_X=y} sets {@code key=true}, "is not set" {@code key=false}. */
  public static KconfigRule bool(String symbol, String key, String why) {
    return new KconfigRule(List.of(symbol), key, false, v -> {
      String s = v.apply(symbol);
      if (s == null) {
        return null;
      }
      return Outcome.set(Boolean.toString(isOn(s)), why);
    });
  }

  /** {@code CONFIG_X=<number>} sets {@code key} to the number. */
  public static KconfigRule number(String symbol, String key, String why) {
    return new KconfigRule(List.of(symbol), key, false, v -> {
      String s = v.apply(symbol);
      return s == null ? null : Outcome.set(s, why);
    });
  }

  /**
   * A Kconfig {@code choice}: the first of {@code symbolThenValue} (pairs of symbol, value) that is
   * {@code y} sets {@code key} to its value.
   */
  public static KconfigRule choice(String key, String why, String... symbolThenValue) {
    List<String> syms = new ArrayList<>();
    for (int i = 0; i < symbolThenValue.length; i += 2) {
      syms.add(symbolThenValue[i]);
    }
    return new KconfigRule(syms, key, false, v -> {
      boolean seen = false;
      for (int i = 0; i < symbolThenValue.length; i += 2) {
        String s = v.apply(symbolThenValue[i]);
        seen |= s != null;
        if (s != null && isOn(s)) {
          return Outcome.set(symbolThenValue[i + 1], why + " (" + symbolThenValue[i] + ")");
        }
      }
      return seen ? Outcome.keep("no choice symbol is y") : null;
    });
  }

  /**
   * A symbol that only settles the key when it is off: "is not set" sets {@code key=offValue}; y
   * keeps the other layers' value because the running CPU decides ({@code onWhy} says how).
   */
  public static KconfigRule offOnly(String symbol, String key, String offValue, String offWhy,
      String onWhy) {
    return new KconfigRule(List.of(symbol), key, false, v -> {
      String s = v.apply(symbol);
      if (s == null) {
        return null;
      }
      return isOn(s) ? Outcome.keep(onWhy) : Outcome.set(offValue, offWhy);
    });
  }

  /** Every symbol starting with {@code prefix} that is not "not set" is reported unsupported. */
  public static KconfigRule unsupported(String prefix, String why) {
    return new KconfigRule(List.of(prefix), "", true, v -> {
      String s = v.apply(prefix);
      return s == null || "n".equals(s) ? null : Outcome.unsupported(why);
    });
  }

  /** {@code y} or {@code m}. */
  public static boolean isOn(String value) {
    return "y".equals(value) || "m".equals(value);
  }
}
