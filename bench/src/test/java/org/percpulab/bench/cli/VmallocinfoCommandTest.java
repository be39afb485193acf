package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code percpu-lab vmallocinfo} after boot. */
class VmallocinfoCommandTest {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {String.valueOf(rc), out.toString(), err.toString()};
  }

  @Test
  void arm64BootShowsTheKernelImageAsAnEarlyVmapArea() {
    String[] r = run("vmallocinfo", "--set", "arch=arm64", "--set", "percpu.localMap=off");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    // 32 MiB image + the guard page of its last segment, at VMALLOC_START (KIMAGE_VADDR)
    assertThat(r[1]).isEqualTo("0xffff800080000000-0xffff800082001000 33558528"
        + " paging_init+0x0/0x100 phys=0x0000000040000000 vmap\n");
  }

  @Test
  void percpuLocalRangesFollowTheKernelLines() {
    String[] r = run("vmallocinfo");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    // the embedded first chunk lives in the linear map (no kernel line); its local range is listed
    assertThat(r[1]).isEqualTo("0xffff800080000000-0xffff800082001000 33558528"
        + " paging_init+0x0/0x100 phys=0x0000000040000000 vmap\n"
        + "0xfffffd0000000000-0xfffffd000001e000  122880 setup_per_cpu_areas+0x0/0x100"
        + " chunk=percpu-first-chunk percpu-local\n");
    // 200 allocations of 4..4096 bytes need 4 dynamic chunks: one pcpu_get_vm_areas area of
    // 4 CPUs x 120 KiB each (no guard page), and one local range each
    String[] d = run("vmallocinfo", "--allocs", "200");
    assertThat(d[0]).as(d[2]).isEqualTo("0");
    String[] lines = d[1].split("\n");
    assertThat(lines).hasSize(10);
    assertThat(lines[1]).isEqualTo("0xfffffcfffff88000-0xfffffd0000000000  491520"
        + " pcpu_get_vm_areas+0x0/0x100 vmalloc");
    assertThat(lines[9]).isEqualTo("0xfffffd0000078000-0xfffffd0000096000  122880"
        + " pcpu_create_chunk+0x0/0x100 chunk=percpu-chunk-5 percpu-local");
    String[] k = run("vmallocinfo", "--allocs", "200", "--kernel-only");
    assertThat(k[1].split("\n")).hasSize(5).noneMatch(l -> l.endsWith("percpu-local"));
    String[] j = run("vmallocinfo", "--allocs", "200", "--format", "json");
    assertThat(j[1]).contains("{\"kind\":\"percpu_local\",\"start\":\"0xfffffd0000078000\","
        + "\"end\":\"0xfffffd0000096000\",\"size\":122880,\"caller\":\"pcpu_create_chunk+0x0/0x100\","
        + "\"chunk\":\"percpu-chunk-5\",\"flags\":[\"percpu-local\"]}");
  }

  @Test
  void jsonHasOneObjectPerArea() {
    String[] r = run("vmallocinfo", "--set", "arch=arm64", "--format", "json");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).startsWith("[\n  {\"kind\":\"area\",\"start\":\"0xffff800080000000\"")
        .contains("\"caller\":\"paging_init+0x0/0x100\"", "\"flags\":[\"vmap\"]").endsWith("\n]\n");
  }

  @Test
  void badConfigIsBadInput() {
    String[] r = run("vmallocinfo", "--set", "cpus=0");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).startsWith("error: ");
  }
}
