package org.percpulab.mm.percpu.kit;

import java.util.List;
import java.util.Map;
import org.percpulab.core.testkit.PercpuConformanceTest;

/**
 * The conformance kit's percpu half over arm64. In-tree backends run it here
 * because arch-* cannot depend on mm-percpu (mm-percpu's tests boot them); their own
 * {@code *ConformanceTest} runs the engine half.
 */
class Arm64PercpuKitTest extends PercpuConformanceTest {

  @Override protected String backendId() {
    return "arm64";
  }

  /**
   * Four of the nine geometries: 3 levels, 4 levels, the private level 1 of 16K/48-bit, and 5
   * levels (the engine half in arch-arm64 covers all nine).
   */
  @Override protected List<Map<String, String>> configs() {
    return List.of(Map.of("mm.pageSize", "4K", "mm.vaBits", "39"),
        Map.of("mm.pageSize", "4K", "mm.vaBits", "48"),
        Map.of("mm.pageSize", "16K", "mm.vaBits", "48"),
        Map.of("mm.pageSize", "4K", "mm.vaBits", "52"));
  }
}
