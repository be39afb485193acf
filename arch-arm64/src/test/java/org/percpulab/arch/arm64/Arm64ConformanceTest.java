package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.testkit.ArchBackendConformanceTest;

/**
 * The core conformance kit over every arm64 geometry, including 4K/52-bit and 16K/48-bit whose
 * local area is private from level 1 ({@link org.percpulab.core.spi.LocalPerCpuMap#privateLevel()}).
 */
class Arm64ConformanceTest extends ArchBackendConformanceTest {

  @Override protected String backendId() {
    return "arm64";
  }

  @Override protected List<Map<String, String>> configs() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Geometry g : Arm64Geometries.all()) {
      out.add(Map.of("mm.pageSize", Long.toString(g.pageSize()),
          "mm.vaBits", Integer.toString(g.vaBits())));
    }
    return out;
  }
}
