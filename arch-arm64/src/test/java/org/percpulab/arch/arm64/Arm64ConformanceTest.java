package org.percpulab.arch.arm64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.testkit.ArchBackendConformanceTest;

/**
 * The core conformance kit over the arm64 geometries. 4K/52-bit and 16K/48-bit are left out until
 * the core's KernelPageTables honours {@link org.percpulab.core.spi.LocalPerCpuMap#privateLevel()}:
 * there the top-level entries (256 TiB / 128 TiB) are too large for the local area to own one, so
 * it is private from level 1 (see Arm64Layout) and the kit's "shares no top-level entry" check and
 * the core's top-slot-only private ranges do not apply.
 */
class Arm64ConformanceTest extends ArchBackendConformanceTest {

  @Override protected String backendId() {
    return "arm64";
  }

  @Override protected List<Map<String, String>> configs() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Geometry g : Arm64Geometries.all()) {
      if (new Arm64Layout(g, 512).localPrivateLevel != 0) {
        continue;
      }
      out.add(Map.of("mm.pageSize", Long.toString(g.pageSize()),
          "mm.vaBits", Integer.toString(g.vaBits())));
    }
    return out;
  }
}
