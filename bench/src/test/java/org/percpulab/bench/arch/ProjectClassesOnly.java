package org.percpulab.bench.arch;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.regex.Pattern;

/**
 * Imports the reactor's main classes only: module {@code target/classes} directories (during
 * {@code mvn test}) or their packaged jars (during {@code mvn verify}); never test classes, test
 * jars or third-party jars.
 */
public final class ProjectClassesOnly implements ImportOption {

  private static final Pattern MODULE_JAR = Pattern.compile(
      ".*/(core|mm-vmalloc|mm-percpu|arch-generic|arch-arm64|arch-s390|bench)-[0-9][^/]*(?<!-tests)\\.jar!/.*");

  @Override
  public boolean includes(Location location) {
    return location.contains("/target/classes/") || location.matches(MODULE_JAR);
  }
}
