package org.percpulab.bench.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module seams of ARCHITECTURE.md as executable rules, over every main class of the reactor
 * (bench's test classpath holds all modules).
 */
@AnalyzeClasses(packages = "org.percpulab", importOptions = ProjectClassesOnly.class)
class ModuleBoundariesTest {

  @ArchTest
  static final ArchRule backendsUseOnlyCore = noClasses()
      .that().resideInAPackage("org.percpulab.arch..")
      .should().dependOnClassesThat().resideInAnyPackage("org.percpulab.mm..",
          "org.percpulab.bench..")
      .because("backends depend on core only (provided scope) and never on mm-* or bench");

  @ArchTest
  static final ArchRule coreDependsOnNoOtherModule = noClasses()
      .that().resideInAPackage("org.percpulab.core..")
      .should().dependOnClassesThat().resideInAnyPackage("org.percpulab.arch..",
          "org.percpulab.mm..", "org.percpulab.bench..")
      .because("core depends on no other percpu-lab module");

  @ArchTest
  static final ArchRule mmDoesNotReachArchOrBench = noClasses()
      .that().resideInAPackage("org.percpulab.mm..")
      .should().dependOnClassesThat().resideInAnyPackage("org.percpulab.arch..",
          "org.percpulab.bench..")
      .because("mm reaches an architecture only through the core SPI")
      .allowEmptyShould(true);

  @ArchTest
  static final ArchRule vmallocDoesNotUsePercpu = noClasses()
      .that().resideInAPackage("org.percpulab.mm.vmalloc..")
      .should().dependOnClassesThat().resideInAPackage("org.percpulab.mm.percpu..")
      .because("mm-percpu depends on mm-vmalloc, not the other way round")
      .allowEmptyShould(true);

  @ArchTest
  static final ArchRule noSlf4j = noClasses()
      .that().resideInAPackage("org.percpulab..")
      .should().dependOnClassesThat().resideInAPackage("org.slf4j..")
      .because("project code logs through the Log4j 2 API only (SLF4J is PF4J's)");

  @ArchTest
  static final ArchRule log4jCoreOnlyInTheApplication = noClasses()
      .that().resideInAPackage("org.percpulab..")
      .and().resideOutsideOfPackage("org.percpulab.bench..")
      .should().dependOnClassesThat().resideInAPackage("org.apache.logging.log4j.core..")
      .because("libraries and plugins use log4j-api; only the CLI configures logging");
}
