package org.percpulab.bench.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import picocli.CommandLine.Model.ArgSpec;

/**
 * Inclusive range of a numeric option or parameter (a count, CPU number, seed...). {@link
 * BaseCommand} checks every annotated option before the command runs (one {@code error:} line
 * naming the option, exit 2), and the CLI fuzz test generates out-of-range values from it. State
 * the bound in the option's description too ("0..1000000").
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Bounds {
  long min();

  long max();

  /** Reads the annotation behind a picocli option. */
  final class Of {
    private Of() { }

    /** The annotation on the field behind {@code a}, or null. */
    public static Bounds of(ArgSpec a) {
      Object u = a.userObject();
      return u instanceof Field f ? f.getAnnotation(Bounds.class) : null;
    }
  }
}
