package org.percpulab.core.fake;

import java.util.List;
import java.util.Map;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.testkit.ArchBackendConformanceTest;

/** The conformance kit over the fake backend's geometries: 2..5 levels, 4K/16K/64K, narrow tops. */
class FakeBackendConformanceTest extends ArchBackendConformanceTest {

  @Override protected String backendId() { return "fake"; }

  @Override protected ArchBackend backend() { return new FakeBackend(); }

  @Override protected List<Map<String, String>> configs() {
    return List.of(
        Map.of("fake.pageShift", "12", "fake.bits", "9,9,9,9"),
        Map.of("fake.pageShift", "12", "fake.bits", "9,9,9"),
        Map.of("fake.pageShift", "12", "fake.bits", "9,9,9,9,9"),
        Map.of("fake.pageShift", "14", "fake.bits", "2,11,11,11"),
        Map.of("fake.pageShift", "14", "fake.bits", "11,11"),
        Map.of("fake.pageShift", "16", "fake.bits", "6,13,13"),
        Map.of("fake.pageShift", "12", "fake.bits", "11,11,8", "fake.invalidBit", "true"),
        Map.of("fake.pageShift", "12", "fake.bits", "9,9,9,9", "fake.blocks", "false"));
  }
}
