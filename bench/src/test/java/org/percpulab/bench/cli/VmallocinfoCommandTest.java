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
