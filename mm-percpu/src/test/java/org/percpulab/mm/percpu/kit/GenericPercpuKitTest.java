package org.percpulab.mm.percpu.kit;

import java.util.List;
import java.util.Map;
import org.percpulab.core.testkit.PercpuConformanceTest;

/** The conformance kit's percpu half over the generic backend (see Arm64PercpuKitTest). */
class GenericPercpuKitTest extends PercpuConformanceTest {

  @Override protected String backendId() {
    return "generic";
  }

  @Override protected List<Map<String, String>> configs() {
    return List.of(Map.of());
  }
}
