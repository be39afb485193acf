package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code run WORKLOAD --access ...}: one booted machine per percpu.access, compared with offset. */
class AccessRunCliTest {

  @Test
  @SuppressWarnings("unchecked")
  void everyArm64AccessRunsTheSameStreamWithItsOwnCosts() {
    Cli c = Cli.run("run", "fork", "--count", "12", "--set", "arm64.atomics=lse", "--access",
        "offset,local-map,private-page,marker-fixup,restart,segment", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Object> j = (Map<String, Object>) c.json();
    assertThat(j.get("preempt")).isEqualTo("dynamic");
    Map<String, Map<String, Object>> modes = (Map<String, Map<String, Object>>) j.get("modes");
    assertThat(modes).containsOnlyKeys("offset", "local-map", "private-page", "marker-fixup",
        "restart", "segment");
    Map<String, Object> off = modes.get("offset");
    assertThat(off.get("changePercent")).isEqualTo(0.0);
    assertThat(((Number) off.get("accessPathCycles")).longValue()).isZero();
    for (Map.Entry<String, Map<String, Object>> e : modes.entrySet()) {
      Map<String, Object> m = e.getValue();
      assertThat(m.get("access")).isEqualTo(e.getKey());
      assertThat(m.get("preempt")).isEqualTo("dynamic");
      assertThat(m.get("counterDigest")).as("same counters in %s", e.getKey())
          .isEqualTo(off.get("counterDigest"));
      assertThat(m.get("percpuOps")).isEqualTo(off.get("percpuOps"));
      assertThat(m).containsKeys("changePercent", "sysChangePercent", "memoryCostBytes");
    }
    // every rival drops work from the op; segment is the bound below all of them
    double seg = ((Number) modes.get("segment").get("changePercent")).doubleValue();
    for (String a : new String[] {"local-map", "private-page", "marker-fixup", "restart"}) {
      double ch = ((Number) modes.get(a).get("changePercent")).doubleValue();
      assertThat(ch).as(a).isLessThan(0.0).isGreaterThan(seg);
    }
    // marker-fixup and restart pay on every exception return; private-page on switches
    assertThat(((Number) modes.get("marker-fixup").get("accessPathCycles")).longValue())
        .isPositive();
    assertThat(((Number) modes.get("restart").get("accessPathCycles")).longValue()).isPositive();
    // private-page, from the simulated machine: each of 4 CPUs has its own pgd, pud and pmd
    // copies and one PTE table (4K/48-bit: 4 tables) and its private page
    Map<String, Object> pp = modes.get("private-page");
    assertThat(((Number) pp.get("perCpuPageTableBytes")).longValue()).isEqualTo(4L * 4 * 4096);
    assertThat(((Number) pp.get("accessMemoryBytes")).longValue()).isEqualTo(4L * 4096);
    // cross-check with the former formula: (levels + 1) pages per CPU
    assertThat(((Number) pp.get("memoryCostBytes")).longValue()).isEqualTo(4L * (4 + 1) * 4096);
    assertThat(((Number) modes.get("local-map").get("accessMemoryBytes")).longValue()).isZero();
    assertThat(((Number) modes.get("local-map").get("perCpuPageTableBytes")).longValue())
        .isPositive();
  }

  /**
   * s390's experimental local map runs when the access asks for it (no s390.localMap key needed):
   * per-CPU tables from the machine (default region-third ASCE: 4 CPUs x 9 pages: the top CRST =
   * region-third copy, a segment table, a page table; 13 with mm.vaBits=53, which adds the
   * region-second top), no access path cycles, the same counters.
   */
  @Test
  @SuppressWarnings("unchecked")
  void s390RunsItsExperimentalLocalMap() {
    Cli c = Cli.run("run", "fork", "--count", "12", "--arch", "s390", "--access",
        "offset,local-map,marker-fixup", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Map<String, Object>> modes = (Map<String, Map<String, Object>>)
        ((Map<String, Object>) c.json()).get("modes");
    Map<String, Object> lm = modes.get("local-map");
    assertThat(((Number) lm.get("perCpuPageTableBytes")).longValue()).isEqualTo(4L * 9 * 4096);
    assertThat(((Number) lm.get("accessPathCycles")).longValue()).isZero();
    assertThat(lm.get("counterDigest")).isEqualTo(modes.get("offset").get("counterDigest"));
    assertThat(((Number) lm.get("changePercent")).doubleValue()).isNegative();
    assertThat(((Number) modes.get("offset").get("perCpuPageTableBytes")).longValue()).isZero();
  }

  @Test
  void anAccessTheBackendLacksIsOneLineExit2() {
    Cli c = Cli.run("run", "fork", "--count", "2", "--arch", "generic", "--access",
        "offset,restart");
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err().strip()).doesNotContain("\n")
        .contains("restart").contains("offset|local-map|segment");
    Cli d = Cli.run("run", "fork", "--count", "2", "--access", "offset,bogus");
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err().strip()).doesNotContain("\n").contains("--access").contains("bogus");
  }
}
