package org.percpulab.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.plugin.LoadedBackend;
import org.percpulab.core.spi.ConfigKey;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Checks {@link BaseCommand} runs before any simulation, so that bad input fails at once with one
 * line (exit 2) and nothing is half-written: {@link Bounds} of every option, output paths, and
 * keys of a backend other than the selected one.
 */
final class OptionChecks {
  private OptionChecks() { }

  /** Every {@link Bounds}-annotated option or parameter of {@code spec} that has a value. */
  static void checkBounds(CommandSpec spec) {
    List<ArgSpec> args = new ArrayList<>(spec.options());
    args.addAll(spec.positionalParameters());
    for (ArgSpec a : args) {
      Bounds b = Bounds.Of.of(a);
      if (b == null) {
        continue;
      }
      Object v = a.getValue();
      List<?> vs = v instanceof List<?> l ? l : v instanceof int[] ia
          ? java.util.Arrays.stream(ia).boxed().toList() : java.util.Collections.singletonList(v);
      for (Object x : vs) {
        if (x instanceof Number n && (n.longValue() < b.min() || n.longValue() > b.max())) {
          throw new ConfigException(UsageErrors.nameOf(a) + ": value '" + n
              + "' is not allowed; allowed: integer " + b.min() + ".." + b.max());
        }
      }
    }
  }

  /**
   * {@code dir} can be used as an output directory: it is a writable directory, or it can be
   * created (its nearest existing ancestor is a writable directory).
   */
  static void outputDir(String option, Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw bad(option, dir, "it exists and is not a directory");
      }
      if (!Files.isWritable(abs)) {
        throw bad(option, dir, "the directory is not writable");
      }
      return;
    }
    Path p = abs.getParent();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null || !Files.isDirectory(p)) {
      throw bad(option, dir, "'" + p + "' is not a directory");
    }
    if (!Files.isWritable(p) || p.startsWith("/proc") || p.startsWith("/sys")) {
      throw bad(option, dir, "cannot create it: '" + p + "' is not writable");
    }
  }

  /**
   * {@code file} can be written as an output file: not a directory, and its directory exists or
   * can be created.
   */
  static void outputFile(String option, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw bad(option, file, "it is a directory");
    }
    if (Files.exists(abs) && !Files.isWritable(abs)) {
      throw bad(option, file, "the file is not writable");
    }
    if (abs.getParent() != null) {
      outputDir(option, abs.getParent());
    }
  }

  private static ConfigException bad(String option, Path p, String why) {
    return new ConfigException("option '" + option + "': value '" + p
        + "' is not allowed; allowed: a writable output path (" + why + ")");
  }

  /**
   * A key of a backend other than {@code arch} set by the user is an error: it would have no
   * effect ({@code --set arm64.atomics=llsc --arch s390}).
   */
  static void foreignBackendKeys(Config user, ArchRegistry reg, String arch) {
    List<String> lines = new ArrayList<>();
    for (LoadedBackend b : reg.backends()) {
      if (b.id().equals(arch)) {
        continue;
      }
      for (ConfigKey k : b.backend().configKeys()) {
        if (user.isExplicit(k.name())) {
          lines.add("config key '" + k.name() + "': belongs to backend '" + b.id()
              + "' but arch is '" + arch + "'; allowed: keys of '" + arch
              + "' (or --arch " + b.id() + ")");
        }
      }
    }
    if (!lines.isEmpty()) {
      throw new ConfigException(String.join("\n", lines));
    }
  }
}
