package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootCommandTest {

  @Test
  @SuppressWarnings("unchecked")
  void jsonWithLocalMapOnAndOffFor160CpusDiffersOnlyInPerCpuPages() {
    Cli on = Cli.run("boot", "--format", "json", "--set", "cpus=160");
    Cli off = Cli.run("boot", "--format", "json", "--set", "cpus=160", "--set",
        "percpu.localMap=off");
    assertThat(on.code()).as(on.err()).isZero();
    assertThat(off.code()).as(off.err()).isZero();
    Map<String, Object> jon = (Map<String, Object>) on.json();
    Map<String, Object> joff = (Map<String, Object>) off.json();
    assertThat(jon.get("arch")).isEqualTo("arm64");
    assertThat(jon.get("localMap")).isEqualTo(true);
    assertThat(joff.get("localMap")).isEqualTo(false);
    Map<String, Object> pton = (Map<String, Object>) jon.get("pageTables");
    Map<String, Object> ptoff = (Map<String, Object>) joff.get("pageTables");
    assertThat(((Number) ptoff.get("perCpuPages")).longValue()).isZero();
    // per CPU: its pgd, plus the PUD, PMD and PTE table under the local area that map the first
    // chunk's 30-page unit (setup_per_cpu_areas runs as part of boot)
    assertThat(((Number) pton.get("perCpuPages")).longValue()).as("4 tables per CPU")
        .isEqualTo(160 * 4);
    assertThat(pton.get("sharedPages")).isEqualTo(ptoff.get("sharedPages"));
    assertThat(((Number) pton.get("bytes")).longValue() - ((Number) ptoff.get("bytes")).longValue())
        .isEqualTo(160 * 4 * 4096);
    Map<String, Object> pcon = (Map<String, Object>) jon.get("percpu");
    Map<String, Object> pcoff = (Map<String, Object>) joff.get("percpu");
    assertThat(pcoff.get("perCpuLocalOff")).as("no local area when off").isNull();
    assertThat(pcon.get("perCpuLocalOff")).isEqualTo("0x00007cff7e180000");
    // everything else is identical, except the layout (arm64 gives the local area's VA back to
    // vmalloc when off: zero extra VA) and the private ranges
    // and the percpu local-area fields
    for (String k : List.of("localAreaStart", "localAreaEnd", "firstChunkLocalBase",
        "perCpuLocalOff")) {
      pcon.remove(k);
      pcoff.remove(k);
    }
    assertThat(pcon).isEqualTo(pcoff);
    for (String k : List.of("localMap", "localMapReason", "pageTables", "layout", "privateRanges",
        "percpu")) {
      jon.remove(k);
      joff.remove(k);
    }
    assertThat(jon).isEqualTo(joff);
    for (String k : List.of("perCpuPages", "bytes", "perCpuBytes", "levels")) {
      pton.remove(k);
      ptoff.remove(k);
    }
    assertThat(pton).isEqualTo(ptoff);
    List<String> diff = new ArrayList<>();
    for (String line : on.out().split("\n")) {
      if (!off.out().contains(line + "\n")) {
        diff.add(line.trim());
      }
    }
    assertThat(diff).containsExactly(
        "\"localMap\": true,",
        "\"localMapReason\": \"\",",
        "\"localAreaStart\": \"0xfffffd0000000000\",",
        "\"localAreaEnd\": \"0xfffffd8000000000\",",
        "\"firstChunkLocalBase\": \"0xfffffd0000000000\",",
        "\"perCpuLocalOff\": \"0x00007cff7e180000\"",
        "\"perCpuPages\": 640,",
        "\"bytes\": 2703360,",
        "\"perCpuBytes\": 2621440,",
        "\"perCpuPages\": 160",
        "\"perCpuPages\": 160",
        "\"perCpuPages\": 160",
        "\"perCpuPages\": 160",
        "\"end\": \"0xfffffd0000000000\"",
        "\"name\": \"percpu-local\",",
        "\"start\": \"0xfffffd0000000000\",",
        "\"end\": \"0xfffffd8000000000\"",
        "\"privateRanges\": [",
        "\"start\": \"0xfffffd0000000000\",",
        "\"end\": \"0xfffffd8000000000\"");
  }

  @Test
  void textShowsGeometryLayoutGateAndTables() {
    Cli c = Cli.run("boot", "--arch", "generic");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("local map:   inactive (backend generic does not select "
        + "HAVE_LOCAL_PER_CPU_MAP)");
    assertThat(c.out()).contains("LEVEL  NAME");
    Cli bad = Cli.run("boot", "--arch", "generic", "--set", "percpu.localMap=on");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("error: config key 'percpu.localMap': value 'on' is not "
        + "allowed; allowed: auto|off (backend generic does not select HAVE_LOCAL_PER_CPU_MAP)\n");
  }

  @Test
  void walkPrintsEveryLevelAndTheResult() {
    Cli c = Cli.run("walk", "0xffff800080000000", "--cpu", "1");
    assertThat(c.code()).as(c.err()).isZero();
    String[] lines = c.out().split("\n");
    assertThat(lines[0]).startsWith("walk 0xffff800080000000 on CPU 1 (TTBR1_EL1) pgd 0x");
    assertThat(lines[1]).startsWith("LEVEL  NAME  INDEX  ENTRY");
    assertThat(lines).hasSize(7);
    assertThat(lines[2]).startsWith("0      PGD   256");
    assertThat(lines[6]).isEqualTo("result: PA 0x0000000040000000 (4K leaf at level 3)");
    Cli fault = Cli.run("walk", "0xffff900000000000", "--format", "json");
    assertThat(fault.code()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> j = (Map<String, Object>) fault.json();
    assertThat(j.get("mapped")).isEqualTo(false);
    assertThat(((Number) j.get("faultLevel")).intValue()).as("empty PGD entry 288").isZero();
    Cli bad = Cli.run("walk", "0xzz");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("error: parameter 'VA': value '0xzz' is not allowed; allowed: a "
        + "64-bit address, hex with 0x or decimal\n");
  }
}
