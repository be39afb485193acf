package org.percpulab.arch.s390;

import java.util.List;
import java.util.Map;
import org.percpulab.core.testkit.ArchBackendConformanceTest;

/**
 * Core's conformance kit over every s390 geometry (region-third, region-second and region-first
 * ASCE) and both op-sequence families (z196 interlocked-access and CS loops), without and with
 * the experimental local map; also the default config (the kernel's region-third ASCE choice) and
 * a KASAN build (region-second by that choice).
 */
class S390ConformanceTest extends ArchBackendConformanceTest {

  @Override protected String backendId() {
    return "s390";
  }

  @Override protected List<Map<String, String>> configs() {
    return List.of(
        Map.of("mm.vaBits", "42"),
        Map.of("mm.vaBits", "53"),
        Map.of("mm.vaBits", "64"),
        Map.of("mm.vaBits", "53", "s390.z196", "false"),
        Map.of("mm.vaBits", "53", "cpus", "160"),
        Map.of("mm.vaBits", "42", "s390.localMap", "on"),
        Map.of("mm.vaBits", "53", "s390.localMap", "on"),
        Map.of("mm.vaBits", "64", "s390.localMap", "on", "s390.z196", "false"),
        Map.of("mm.vaBits", "53", "s390.localMap", "on", "s390.localOffset", "immediate",
            "percpu.localForms", "all", "cpus", "160"),
        Map.of(),
        Map.of("s390.kasan", "true", "s390.localMap", "on"));
  }
}
