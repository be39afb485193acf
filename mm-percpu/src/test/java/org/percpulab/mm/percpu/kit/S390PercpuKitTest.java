package org.percpulab.mm.percpu.kit;

import java.util.List;
import java.util.Map;
import org.percpulab.core.testkit.PercpuConformanceTest;

/** The conformance kit's percpu half over s390's three geometries (see Arm64PercpuKitTest). */
class S390PercpuKitTest extends PercpuConformanceTest {

  @Override protected String backendId() {
    return "s390";
  }

  @Override protected List<Map<String, String>> configs() {
    return List.of(Map.of("mm.vaBits", "42"), Map.of("mm.vaBits", "53"),
        Map.of("mm.vaBits", "64"));
  }
}
