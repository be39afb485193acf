package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code percpu-lab hazards} on arm64, 4 CPUs: osq_node at __per_cpu_start + 0x40 =
 * 0xffff800081e80040; its local alias is the first chunk's local range 0xfffffd7ffff90000 + 0x40
 * (page first chunk 0x70000 below the local area, shifted by the area's 512 GiB); the units are
 * 0x1c000 apart in VA from 0xfffffcfffff90000, each unit page taken on its own from memblock,
 * top-down from the end of RAM (cpu 0's first page at PA 0x13feff000, cpu 1's 28 pages lower at
 * 0x13fee3000), and node->cpu is at +20.
 */
class HazardsCommandTest {

  @Test
  @SuppressWarnings("unchecked")
  void osqLockStyleEscapeIsReportedWithBothCpusAndTheAddress() {
    Cli c = Cli.run("hazards", "--set", "percpu.localLayout=mirror", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Object> j = (Map<String, Object>) c.json();
    assertThat(j.get("localAlias")).isEqualTo("0xfffffd7ffff90040");
    assertThat(j.get("wrongCopy")).isEqualTo(true);
    assertThat(((Number) j.get("valueRead")).longValue()).as("cpu 1's own node->cpu").isEqualTo(2);
    assertThat(((Number) j.get("valueExpected")).longValue()).as("cpu 0's node->cpu").isEqualTo(1);
    List<Map<String, Object>> hz = (List<Map<String, Object>>) j.get("hazards");
    assertThat(hz).extracting(h -> h.get("message")).containsExactly(
        "percpu local alias escape (handed to another cpu): 0xfffffd7ffff90040 from cpu 0 used on "
            + "cpu 1",
        "percpu local alias escape (dereferenced by another cpu): 0xfffffd7ffff90040 from cpu 0 "
            + "used on cpu 1");
    Cli t = Cli.run("hazards", "--set", "percpu.localLayout=mirror", "--from", "2", "--to", "3");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out()).contains(
        "cpu 3: reads node->cpu through 0xfffffd7ffff90040 -> PA 0x000000013feab054: 4; cpu 2's "
            + "node is at PA 0x000000013fec7054 (node->cpu = 3) -> WRONG COPY (cpu 3's own)\n",
        "with the global address per_cpu_ptr(&osq_node, 2) = 0xfffffcfffffc8040: cpu 3 reaches PA "
            + "0x000000013fec7054 (cpu 2's copy, node->cpu = 3), no hazard\n",
        "hazards:\n  percpu local alias escape (handed to another cpu): 0xfffffd7ffff90040 from cpu 2"
            + " used on cpu 3\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void forcedLocalMapWithSmtSharedTlbReachesTheSiblingsCopy() {
    Cli c = Cli.run("hazards", "--set", "percpu.localLayout=mirror", "--scenario", "smt-tlb", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Object> j = (Map<String, Object>) c.json();
    assertThat(j.get("wrongCopy")).isEqualTo(true);
    assertThat(((Number) j.get("valueRead")).longValue()).as("cpu 0's copy").isEqualTo(1);
    assertThat(((Number) j.get("valueExpected")).longValue()).as("cpu 1's own").isEqualTo(2);
    assertThat((List<Object>) j.get("hazards")).hasSize(1);
    assertThat((List<String>) j.get("steps")).contains(
        "cpu 1 (sibling): this_cpu_read(osq_node.cpu) via the same alias -> PA 0x000000013feff054: 1;"
            + " its own copy is at PA 0x000000013fee3054 (2) -> WRONG COPY (cpu 0's, through the "
            + "shared TLB entry)");
  }

  @Test
  void withoutTheLocalMapTheScenarioIsBadInput() {
    Cli c = Cli.run("hazards", "--set", "percpu.localLayout=mirror", "--set", "percpu.localMap=off");
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err()).isEqualTo("error: config key 'percpu.localMap': the scenario needs the "
        + "local map, which is inactive (percpu.localMap=off)\n");
    Cli bad = Cli.run("hazards", "--set", "percpu.localLayout=mirror", "--scenario", "aba");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("error: option '--scenario': value 'aba' is not allowed; "
        + "allowed: osq|smt-tlb\n");
  }
}
