package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootCommandTest {

  /**
   * Local map on against off with the same (page) first chunk, 160 CPUs, 4K/48:
   *
   * <pre>
   *   off: first chunk 0xffff800082001000 (vm_area_register_early, after the kernel image)
   *   on:  first chunk 0xfffffcfffee80000 (160 x 0x1c000 below VMALLOC_END = local area start)
   *        its local range 0xfffffd7ffee80000 = base + 512 GiB (the local area's size)
   *        one PUD and one PMD more in the shared tables (the top of vmalloc had none)
   *        per CPU: pgd + PUD + PMD + PTE table for the first chunk's 28-page local range
   * </pre>
   */
  @Test
  @SuppressWarnings("unchecked")
  void jsonWithLocalMapOnAndOffFor160CpusDiffersOnlyInPerCpuPages() {
    Cli on = Cli.run("boot", "--set", "percpu.localLayout=mirror", "--format", "json", "--set", "cpus=160");
    Cli off = Cli.run("boot", "--set", "percpu.localLayout=mirror", "--format", "json", "--set", "cpus=160", "--set",
        "percpu.localMap=off", "--set", "arm64.percpuAlloc=page");
    Cli embed = Cli.run("boot", "--set", "percpu.localLayout=mirror", "--format", "json", "--set", "cpus=160", "--set",
        "percpu.localMap=off");
    assertThat(on.code()).as(on.err()).isZero();
    assertThat(off.code()).as(off.err()).isZero();
    assertThat(embed.code()).as(embed.err()).isZero();
    Map<String, Object> jon = (Map<String, Object>) on.json();
    Map<String, Object> joff = (Map<String, Object>) off.json();
    assertThat(jon.get("arch")).isEqualTo("arm64");
    assertThat(jon.get("localMap")).isEqualTo(true);
    assertThat(joff.get("localMap")).isEqualTo(false);
    Map<String, Object> pton = (Map<String, Object>) jon.get("pageTables");
    Map<String, Object> ptoff = (Map<String, Object>) joff.get("pageTables");
    Map<String, Object> ptembed = (Map<String, Object>) ((Map<String, Object>) embed.json())
        .get("pageTables");
    assertThat(((Number) ptoff.get("perCpuPages")).longValue()).isZero();
    assertThat(((Number) pton.get("perCpuPages")).longValue()).as("4 tables per CPU")
        .isEqualTo(160 * 4);
    // embed: swapper, 4 PUD, 7 PMD and 2052 PTE tables - 2048 of them the page-granular linear
    // map (arm64.rodataFull, 4 GiB / 2 MiB), the rest for the image's data segment, vmemmap's
    // PMD blocks' table and the fixmap's three PTE tables; the page first chunk maps 160 x 28
    // pages with PTEs in vmalloc: 9 PTE tables more; the local map's first chunk needs a new PUD
    // and PMD on top
    assertThat(ptembed.get("sharedPages")).isEqualTo(2064L);
    assertThat(ptoff.get("sharedPages")).isEqualTo(2073L);
    assertThat(pton.get("sharedPages")).isEqualTo(2075L);
    assertThat(((Number) pton.get("bytes")).longValue() - ((Number) ptoff.get("bytes")).longValue())
        .isEqualTo((160 * 4 + 2) * 4096);
    Map<String, Object> pcon = (Map<String, Object>) jon.get("percpu");
    Map<String, Object> pcoff = (Map<String, Object>) joff.get("percpu");
    assertThat(pcoff.get("perCpuLocalOff")).as("no local area when off").isNull();
    assertThat(pcon.get("perCpuLocalOff")).isEqualTo("0x00007d7f7d000000");
    assertThat(pcoff.get("baseAddr")).isEqualTo("0xffff800082001000");
    List<String> diff = new ArrayList<>();
    for (String line : on.out().split("\n")) {
      if (!off.out().contains(line + "\n")) {
        diff.add(line.trim());
      }
    }
    assertThat(diff).containsExactly(
        "\"localMap\": true,",
        "\"localMapReason\": \"\",",
        "\"baseAddr\": \"0xfffffcfffee80000\",",
        "\"localAreaStart\": \"0xfffffd0000000000\",",
        "\"localAreaEnd\": \"0xfffffd8000000000\",",
        "\"firstChunkLocalBase\": \"0xfffffd7ffee80000\",",
        "\"perCpuLocalOff\": \"0x00007d7f7d000000\"",
        "\"sharedPages\": 2075,",
        "\"perCpuPages\": 640,",
        "\"bytes\": 11120640,",
        "\"sharedBytes\": 8499200,",
        "\"perCpuBytes\": 2621440,",
        "\"perCpuPages\": 160",
        "\"sharedPages\": 5,",
        "\"perCpuPages\": 160",
        "\"sharedPages\": 8,",
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
    Cli c = Cli.run("boot", "--set", "percpu.localLayout=mirror", "--arch", "generic");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("local map:   inactive (backend generic does not select "
        + "HAVE_LOCAL_PER_CPU_MAP)");
    assertThat(c.out()).contains("LEVEL  NAME");
    Cli bad = Cli.run("boot", "--set", "percpu.localLayout=mirror", "--arch", "generic", "--set", "percpu.localMap=on");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("error: config key 'percpu.localMap': value 'on' is not "
        + "allowed; allowed: auto|off (backend generic does not select HAVE_LOCAL_PER_CPU_MAP: "
        + "generic.localMap=off (the generic backend's local map is experimental))\n");
  }

  @Test
  void walkPrintsEveryLevelAndTheResult() {
    Cli c = Cli.run("walk", "0xffff800080000000", "--cpu", "1");
    assertThat(c.code()).as(c.err()).isZero();
    String[] lines = c.out().split("\n");
    assertThat(lines[0]).startsWith("walk 0xffff800080000000 on CPU 1 (TTBR1_EL1) pgd 0x");
    assertThat(lines[1]).startsWith("LEVEL  NAME  INDEX  ENTRY");
    assertThat(lines).as("the image's text is mapped with 2 MiB PMD blocks").hasSize(6);
    assertThat(lines[2]).startsWith("0      PGD   256");
    assertThat(lines[5]).isEqualTo("result: PA 0x0000000040000000 (2M leaf at level 2)");
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

  /**
   * walk runs on the machine boot prints (percpu set up): CPU 1's walk of the first chunk's local
   * range reaches the page swapper maps at CPU 1's unit of the first chunk; user-half and
   * non-canonical addresses are bad input (one line, exit 2).
   */
  @Test
  void walkSeesTheBootedPercpuAndRefusesNonKernelAddresses() {
    @SuppressWarnings("unchecked")
    Map<String, Object> pc = (Map<String, Object>) ((Map<String, Object>) Cli.run("boot",
        "--set", "percpu.localLayout=mirror", "--format", "json").json()).get("percpu");
    long local = Long.parseUnsignedLong(((String) pc.get("firstChunkLocalBase")).substring(2), 16);
    long base = Long.parseUnsignedLong(((String) pc.get("baseAddr")).substring(2), 16);
    long unit = ((Number) pc.get("unitSize")).longValue();
    @SuppressWarnings("unchecked")
    Map<String, Object> viaLocal = (Map<String, Object>) Cli.run("walk",
        String.format("0x%x", local), "--cpu", "1", "--set", "percpu.localLayout=mirror", "--format",
        "json").json();
    @SuppressWarnings("unchecked")
    Map<String, Object> viaGlobal = (Map<String, Object>) Cli.run("walk",
        String.format("0x%x", base + unit), "--swapper", "--set", "percpu.localLayout=mirror",
        "--format", "json").json();
    assertThat(viaLocal.get("mapped")).isEqualTo(true);
    assertThat(viaLocal.get("pa")).as("CPU 1's unit of the first chunk")
        .isEqualTo(viaGlobal.get("pa"));
    Cli user = Cli.run("walk", "0x1000");
    assertThat(user.code()).isEqualTo(2);
    assertThat(user.out()).isEmpty();
    assertThat(user.err()).isEqualTo("error: parameter 'VA': value '0x1000' is not allowed; "
        + "allowed: a kernel address 0xffff000000000000-0xffffffffffffffff (4K/48-bit/4-level; "
        + "0x0000000000001000 is in the user half)\n");
    Cli nonCanonical = Cli.run("walk", "0x8000000000001000");
    assertThat(nonCanonical.code()).isEqualTo(2);
    assertThat(nonCanonical.err()).endsWith("0x8000000000001000 is not canonical for 48-bit VAs)\n");
  }
}
