package org.percpulab.arch.generic;

import java.util.List;
import java.util.Map;
import org.percpulab.core.testkit.ArchBackendConformanceTest;

/**
 * Core's conformance kit over the generic backend's one geometry (4K/48-bit/4-level), without and
 * with the experimental local map.
 */
class GenericConformanceTest extends ArchBackendConformanceTest {

  @Override protected String backendId() {
    return "generic";
  }

  @Override protected List<Map<String, String>> configs() {
    return List.of(Map.of(), Map.of("cpus", "160"), Map.of("generic.localMap", "on"),
        Map.of("generic.localMap", "on", "generic.roots", "split", "cpus", "8"));
  }
}
