package org.percpulab.bench.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * picocli's usage errors as the README promises them: one {@code error:} line in words (naming
 * the option and value and what is allowed), then {@code try 'percpu-lab COMMAND --help'}, exit
 * {@link ExitCodes#BAD_INPUT}. Installed by {@link Main#commandLine()} for every subcommand.
 */
final class UsageErrors {
  private UsageErrors() { }

  static int handle(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + describe(ex));
    err.println("try '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return ExitCodes.BAD_INPUT;
  }

  /** The exception's message on one line, or its class in words when it has none. */
  static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "internal error (" + e.getClass().getSimpleName() + "); run with -v for details";
    }
    return m.replaceAll("\\s*\\R\\s*", "; ");
  }

  static String describe(ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u) {
      List<String> un = u.getUnmatched();
      String arg = un.isEmpty() ? "?" : un.get(0);
      List<String> sugg = u.getSuggestions();
      String did = sugg.isEmpty() ? "" : "; did you mean '" + sugg.get(0) + "'?";
      if (arg.startsWith("-")) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        return "option '" + name + "' is unknown for '" + u.getCommandLine().getCommandName()
            + "'" + did;
      }
      return "argument '" + arg + "' is not expected by '" + u.getCommandLine().getCommandName()
          + "'" + did;
    }
    if (ex instanceof CommandLine.MissingParameterException m) {
      List<ArgSpec> missing = m.getMissing();
      if (!missing.isEmpty()) {
        ArgSpec a = missing.get(0);
        if (a instanceof OptionSpec o && ex.getMessage().contains("Missing required parameter for")) {
          return "option '" + o.longestName() + "' needs a value (" + o.paramLabel() + ")";
        }
        return (a.isOption() ? "option '" + ((OptionSpec) a).longestName() + "'"
            : "argument " + a.paramLabel()) + " is required" + allowedOf(a, "");
      }
    }
    ArgSpec a = ex.getArgSpec();
    String value = ex.getValue();
    if (a != null && value != null) {
      return nameOf(a) + ": value '" + value + "' is not allowed; allowed: " + allowed(a);
    }
    String m = ex.getMessage() == null ? "usage error" : ex.getMessage();
    if (a != null) {
      java.util.regex.Matcher v = java.util.regex.Pattern.compile("but was '(.*)'$|: '(.*)' is not")
          .matcher(m);
      if (v.find()) {
        return nameOf(a) + ": value '" + (v.group(1) != null ? v.group(1) : v.group(2))
            + "' is not allowed; allowed: " + allowed(a);
      }
    }
    return m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1).replaceAll("\\s*\\R\\s*", " ");
  }

  static String nameOf(ArgSpec a) {
    if (a instanceof OptionSpec o) {
      return "option '" + o.longestName() + "'";
    }
    return "argument " + ((PositionalParamSpec) a).paramLabel();
  }

  private static String allowedOf(ArgSpec a, String none) {
    String s = allowed(a);
    return s.isEmpty() || s.equals(a.paramLabel()) ? none : "; allowed: " + s;
  }

  /** What the option accepts, in words (bounds from {@link Bounds} where declared). */
  static String allowed(ArgSpec a) {
    Bounds b = Bounds.Of.of(a);
    Class<?> t = a.auxiliaryTypes().length > 0 && a.isMultiValue() ? a.auxiliaryTypes()[0] : a.type();
    if (t.isEnum()) {
      StringBuilder sb = new StringBuilder();
      for (Object c : t.getEnumConstants()) {
        sb.append(sb.length() == 0 ? "" : "|").append(c);
      }
      return sb.toString();
    }
    if (b != null) {
      return "integer " + b.min() + ".." + b.max();
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "an integer";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true|false";
    }
    return a.paramLabel();
  }
}
