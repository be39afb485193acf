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

  static final String IMAGE =
      "0xffff800080000000-0xffff800081200000 18874368 paging_init+0x0/0x100"
      + " phys=0x0000000040000000 vmap\n"
      + "0xffff800081200000-0xffff800081a00000 8388608 paging_init+0x0/0x100"
      + " phys=0x0000000041200000 vmap\n"
      + "0xffff800081a00000-0xffff800081c00000 2097152 paging_init+0x0/0x100"
      + " phys=0x0000000041a00000 vmap\n"
      + "0xffff800081c00000-0xffff800081f00000 3145728 paging_init+0x0/0x100"
      + " phys=0x0000000041c00000 vmap\n"
      + "0xffff800081f00000-0xffff800082001000 1052672 paging_init+0x0/0x100"
      + " phys=0x0000000041f00000 vmap\n";

  @Test
  void arm64BootShowsTheKernelImageAsAnEarlyVmapArea() {
    String[] r = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--set", "arch=arm64", "--set", "percpu.localMap=off");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    // declare_kernel_vmas: text, rodata, init text, init data, data (+ its guard page) of the
    // 32 MiB image at VMALLOC_START (KIMAGE_VADDR), each VM_MAP with its phys=
    assertThat(r[1]).isEqualTo(IMAGE);
  }

  @Test
  void percpuLocalRangesFollowTheKernelLines() {
    String[] r = run("vmallocinfo", "--set", "percpu.localLayout=mirror");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    // the page first chunk (4 x 112 KiB) sits right below the local area; its local range is
    // 512 GiB (the local area's size) higher
    assertThat(r[1]).isEqualTo(IMAGE
        + "0xfffffcfffff90000-0xfffffd0000000000  458752 setup_per_cpu_areas+0x0/0x100 vmalloc\n"
        + "0xfffffd7ffff90000-0xfffffd7ffffac000  114688 setup_per_cpu_areas+0x0/0x100"
        + " chunk=percpu-first-chunk percpu-local\n");
    // 200 allocations of 4..4096 bytes need 4 dynamic chunks: one pcpu_get_vm_areas area of
    // 4 CPUs x 112 KiB each (no guard page), top-down below the first chunk, and one local range
    // each at the same 512 GiB shift
    String[] d = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--allocs", "200");
    assertThat(d[0]).as(d[2]).isEqualTo("0");
    String[] lines = d[1].split("\n");
    assertThat(lines).hasSize(15);
    assertThat(lines).contains("0xfffffcfffff20000-0xfffffcfffff90000  458752"
        + " pcpu_get_vm_areas+0x0/0x100 vmalloc");
    assertThat(lines[10]).isEqualTo("0xfffffd7fffdd0000-0xfffffd7fffdec000  114688"
        + " pcpu_create_chunk+0x0/0x100 chunk=percpu-chunk-5 percpu-local");
    assertThat(lines[13]).isEqualTo("0xfffffd7ffff20000-0xfffffd7ffff3c000  114688"
        + " pcpu_create_chunk+0x0/0x100 chunk=percpu-chunk-2 percpu-local");
    String[] k = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--allocs", "200", "--kernel-only");
    assertThat(k[1].split("\n")).hasSize(10).noneMatch(l -> l.endsWith("percpu-local"));
    String[] j = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--allocs", "200", "--format", "json");
    assertThat(j[1]).contains("{\"kind\":\"percpu_local\",\"start\":\"0xfffffd7fffdd0000\","
        + "\"end\":\"0xfffffd7fffdec000\",\"size\":114688,"
        + "\"caller\":\"pcpu_create_chunk+0x0/0x100\","
        + "\"chunk\":\"percpu-chunk-5\",\"flags\":[\"percpu-local\"]}");
  }

  @Test
  void pageFirstChunkWithoutTheLocalMapIsAnEarlyAreaWithoutCaller() {
    // vm_area_register_early never sets a caller: the kernel prints none
    String[] r = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--set", "percpu.localMap=off", "--set",
        "arm64.percpuAlloc=page");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).endsWith("\n0xffff800082001000-0xffff800082071000  458752 vmalloc\n");
  }

  @Test
  void jsonHasOneObjectPerArea() {
    String[] r = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--set", "arch=arm64", "--format", "json");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).startsWith("[\n  {\"kind\":\"area\",\"start\":\"0xffff800080000000\"")
        .contains("\"caller\":\"paging_init+0x0/0x100\"", "\"flags\":[\"vmap\"]").endsWith("\n]\n");
  }

  @Test
  void badConfigIsBadInput() {
    String[] r = run("vmallocinfo", "--set", "percpu.localLayout=mirror", "--set", "cpus=0");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).startsWith("error: ");
  }
}
