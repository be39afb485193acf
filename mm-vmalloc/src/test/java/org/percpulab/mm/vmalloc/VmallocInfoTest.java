package org.percpulab.mm.vmalloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.percpulab.core.spi.ProtKind;

/** /proc/vmallocinfo lines against the kernel's vmalloc_info_show format. */
class VmallocInfoTest {
  /**
   * A kernel vmallocinfo line: {@code 0x%pK-0x%pK %7ld}, then either {@code vm_map_ram} /
   * {@code unpurged vm_area}, or an optional {@code %pS} caller, {@code pages=%d}, {@code phys=%pa},
   * flag words in the kernel's order, and {@code N%u=%u} counts.
   */
  static final Pattern KERNEL_LINE = Pattern.compile(
      "0x[0-9a-f]{16}-0x[0-9a-f]{16} [ 0-9]{6}\\d+"
          + "(?: (?:vm_map_ram|unpurged vm_area)"
          + "|(?: [A-Za-z_][A-Za-z0-9_.]*\\+0x[0-9a-f]+/0x[0-9a-f]+)?"
          + "(?: pages=\\d+)?(?: phys=0x[0-9a-f]{16})?"
          + "(?: ioremap)?(?: sparse)?(?: vmalloc)?(?: vmap)?(?: user)?(?: dma-coherent)?"
          + "(?: vpages)?(?: N\\d+=\\d+)*)");
  static final Pattern LOCAL_LINE = Pattern.compile(
      "0x[0-9a-f]{16}-0x[0-9a-f]{16} [ 0-9]{6}\\d+ [A-Za-z_][A-Za-z0-9_]*\\+0x[0-9a-f]+/0x[0-9a-f]+"
          + " chunk=\\S+ percpu-local");

  RecordingHost host;
  Vmalloc v;

  @BeforeEach
  void boot() {
    host = new RecordingHost();
    host.cpus = 1;
    v = new Vmalloc(host, VmallocTest.VSTART, VmallocTest.VEND);
  }

  @Test
  void linesHaveTheKernelFormat() {
    long a = v.vmalloc(16384, Caller.of("alloc_thread_stack_node"));
    v.vmalloc(4L << 20, Caller.of("module_alloc"));
    v.ioremap(0x1000_0000L, 0x11000, ProtKind.DEVICE, Caller.of("gen_pool_add_owner"));
    v.vmap(new long[] {0x500, 0x501}, 2, Caller.of("dma_common_contiguous_remap"));
    v.vmallocUser(8192, Caller.of("bpf_map_area_alloc"));
    v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, 4096);
    v.vfree(a);
    List<String> lines = VmallocInfo.render(v, false).lines().toList();
    assertThat(lines).hasSize(7);
    assertThat(lines).allSatisfy(l -> assertThat(l).matches(KERNEL_LINE));
    // one vmap node (1 CPU): address order, then the lazily freed area
    assertThat(lines).containsExactly(
        "0xffff800080005000-0xffff800080406000 4198400 module_alloc+0x0/0x100 pages=1024 vmalloc"
            + " vpages N0=1024",
        "0xffff800080406000-0xffff800080409000   12288 module_alloc+0x0/0x100 pages=2 vmalloc N0=2",
        "0xffff800080409000-0xffff80008040c000   12288 dma_common_contiguous_remap+0x0/0x100 vmap",
        "0xffff80008040c000-0xffff80008040f000   12288 bpf_map_area_alloc+0x0/0x100 pages=2"
            + " vmalloc user N0=2",
        "0xffff800080420000-0xffff800080432000   73728 gen_pool_add_owner+0x0/0x100"
            + " phys=0x0000000010000000 ioremap",
        "0xfffffdffbf788000-0xfffffdffbf800000  491520 pcpu_get_vm_areas+0x0/0x100 vmalloc",
        "0xffff800080000000-0xffff800080005000   20480 unpurged vm_area");
  }

  @Test
  void exactLinesForOneNode() {
    long a = v.vmalloc(16384, Caller.of("alloc_thread_stack_node"));
    v.ioremap(0x1000_0000L, 0x11000, ProtKind.DEVICE, Caller.of("gen_pool_add_owner"));
    v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, 4096);
    long b = v.vmalloc(4096, Caller.of("kvmalloc_node"));
    v.vfree(b);
    assertThat(VmallocInfo.render(v, false)).isEqualTo(
        "0xffff800080000000-0xffff800080005000   20480 alloc_thread_stack_node+0x0/0x100 pages=4"
            + " vmalloc N0=4\n"
            + "0xffff800080020000-0xffff800080032000   73728 gen_pool_add_owner+0x0/0x100"
            + " phys=0x0000000010000000 ioremap\n"
            + "0xfffffdffbf788000-0xfffffdffbf800000  491520 pcpu_get_vm_areas+0x0/0x100 vmalloc\n"
            + "0xffff800080005000-0xffff800080007000    8192 unpurged vm_area\n");
    assertThat(a).isEqualTo(VmallocTest.VSTART);
  }

  @Test
  void areasAreListedPerVmapNode() {
    // 4 CPUs -> 4 vmap nodes of 16-page zones: node = (addr / 64 KiB) mod 4
    RecordingHost h4 = new RecordingHost();
    Vmalloc v4 = new Vmalloc(h4, VmallocTest.VSTART, VmallocTest.VEND);
    assertThat(v4.nrVmapNodes()).isEqualTo(4);
    long a = v4.vmalloc(15 * 4096, Caller.of("a")); // [0, 64K) node 0
    long b = v4.vmalloc(15 * 4096, Caller.of("b")); // [64K, 128K) node 1
    long c = v4.vmalloc(4096, Caller.of("c")); // 128K node 2
    v4.getVmArea(5 * 65536 - 8192 - 4096, VmFlags.VM_MAP, Caller.of("d")); // 136K .. node 2
    long e = v4.vmalloc(4096, Caller.of("e")); // 448K: node (7 mod 4) = 3
    long f = v4.vmalloc(65536 - 4096 * 2, Caller.of("f")); // 456K: node 3
    long g = v4.vmalloc(4096, Caller.of("g")); // 512K: node 0
    assertThat(v4.vmapNodeOf(g)).isZero();
    assertThat(v4.vmapNodeOf(e)).isEqualTo(3);
    List<String> callers = VmallocInfo.entries(v4, false).stream()
        .map(VmallocInfo.Entry::caller).map(s -> s.substring(0, 1)).toList();
    assertThat(callers).containsExactly("a", "g", "b", "c", "d", "e", "f");
    assertThat(List.of(a, b, c, f)).doesNotContain(0L);
  }

  @Test
  void percpuLocalRangesAreMarkedAndOptional() {
    v.pcpuGetVmAreas(new long[] {0}, new long[] {4 * 122880}, 4096);
    long local = VmallocTest.VEND; // a modelled local area in the 8 MiB gap above vmalloc
    v.registerLocalArea(local + 122880, local + 2 * 122880, "chunk1", Caller.of("pcpu_create_chunk"));
    v.registerLocalArea(local, local + 122880, "chunk0", Caller.of("pcpu_setup_first_chunk"));
    List<String> lines = VmallocInfo.render(v).lines().toList();
    assertThat(lines).containsExactly(
        "0xfffffdffbf788000-0xfffffdffbf800000  491520 pcpu_get_vm_areas+0x0/0x100 vmalloc",
        "0xfffffdffbf800000-0xfffffdffbf81e000  122880 pcpu_setup_first_chunk+0x0/0x100"
            + " chunk=chunk0 percpu-local",
        "0xfffffdffbf81e000-0xfffffdffbf83c000  122880 pcpu_create_chunk+0x0/0x100 chunk=chunk1"
            + " percpu-local");
    assertThat(lines.subList(1, 3)).allSatisfy(l -> assertThat(l).matches(LOCAL_LINE)
        .doesNotMatch(KERNEL_LINE));
    assertThat(VmallocInfo.render(v, false).lines()).hasSize(1);
    assertThatThrownBy(() -> v.registerLocalArea(local, local + 4096, "x", Caller.of("y")))
        .isInstanceOf(VmallocException.class).hasMessageContaining("overlaps");
    assertThatThrownBy(() -> v.registerLocalArea(VmallocTest.VSTART, VmallocTest.VSTART + 4096, "x",
        Caller.of("y"))).isInstanceOf(VmallocException.class)
        .hasMessageContaining("must lie outside vmalloc space");
    v.unregisterLocalArea(local);
    assertThat(VmallocInfo.render(v).lines()).hasSize(2);
    assertThatThrownBy(() -> v.unregisterLocalArea(local)).isInstanceOf(VmallocException.class)
        .hasMessage("no percpu local area range starts at 0xfffffdffbf800000");
  }

  @Test
  void jsonHasOneObjectPerLine() {
    v.vmalloc(4096, Caller.of("x"));
    v.registerLocalArea(0xfffffdffbf800000L, 0xfffffdffbf801000L, "chunk0",
        Caller.of("pcpu_setup_first_chunk"));
    String json = VmallocInfo.json(VmallocInfo.entries(v, true));
    assertThat(json).isEqualTo("[\n"
        + "  {\"kind\":\"area\",\"start\":\"0xffff800080000000\",\"end\":\"0xffff800080002000\","
        + "\"size\":8192,\"caller\":\"x+0x0/0x100\",\"pages\":1,\"flags\":[\"vmalloc\"],"
        + "\"nodes\":{\"N0\":1}},\n"
        + "  {\"kind\":\"percpu_local\",\"start\":\"0xfffffdffbf800000\","
        + "\"end\":\"0xfffffdffbf801000\",\"size\":4096,\"caller\":\"pcpu_setup_first_chunk+0x0/0x100\","
        + "\"chunk\":\"chunk0\",\"flags\":[\"percpu-local\"]}\n"
        + "]\n");
  }
}
