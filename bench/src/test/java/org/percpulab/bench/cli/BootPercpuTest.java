package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code boot}'s percpu first chunk on arm64 (4K, VA 48), static size 84248 (arm64.staticPercpuSize)
 * and PERCPU_MODULE_RESERVE 8K.
 *
 * <p>Local map off, embed (the kernel's default), PERCPU_DYNAMIC_RESERVE 28K: size_sum =
 * PFN_ALIGN(84248 + 8192 + 28672) = 122880, dyn = 30440, unit = 122880 whatever the CPU count.
 *
 * <p>Local map on, page first chunk (dyn 0 becomes PERCPU_DYNAMIC_EARLY_SIZE 20K): size_sum =
 * PFN_ALIGN(84248 + 8192 + 20480) = 114688, dyn = 22248, unit = 114688; the vm area of cpus × unit
 * sits right below VMALLOC_END = local area start 0xfffffd0000000000, its local range 512 GiB (the
 * local area's size) higher, and {@code __per_cpu_local_off} = base − __per_cpu_start
 * (0xffff800081e80000) + 512 GiB.
 */
class BootPercpuTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> percpu(String... extra) {
    String[] args = new String[5 + extra.length];
    args[0] = "boot";
    args[1] = "--format";
    args[2] = "json";
    args[3] = "--set";
    args[4] = "percpu.localLayout=mirror";
    System.arraycopy(extra, 0, args, 5, extra.length);
    Cli c = Cli.run(args);
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Object> j = (Map<String, Object>) c.json();
    Map<String, Object> p = new HashMap<>((Map<String, Object>) j.get("percpu"));
    Map<String, Object> pt = (Map<String, Object>) j.get("pageTables");
    p.put("pageTables.perCpuPages", ((Number) pt.get("perCpuPages")).longValue());
    for (Map.Entry<String, Object> e : p.entrySet()) {
      if (e.getValue() instanceof Number n) {
        e.setValue(n.longValue());
      }
    }
    return p;
  }

  private static Map<String, Object> expected(long base, long perCpuPages, long localBase,
      long localOff) {
    boolean local = localBase != 0;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unitSize", local ? 114688L : 122880L);
    m.put("staticSize", 84248L);
    m.put("reservedSize", 8192L);
    m.put("dynSize", local ? 22248L : 30440L);
    m.put("atomSize", 4096L);
    m.put("nrGroups", 1L);
    m.put("baseAddr", String.format("0x%016x", base));
    m.put("localAreaStart", local ? "0xfffffd0000000000" : null);
    m.put("localAreaEnd", local ? "0xfffffd8000000000" : null);
    m.put("firstChunkLocalBase", local ? String.format("0x%016x", localBase) : null);
    m.put("perCpuLocalOff", local ? String.format("0x%016x", localOff) : null);
    m.put("pageTables.perCpuPages", perCpuPages);
    return m;
  }

  /**
   * Local map on: 4 x 0x1c000 = 0x70000 and 160 x 0x1c000 = 0x1180000 below 0xfffffd0000000000;
   * each CPU has its pgd and one PUD, PMD and PTE table for the first chunk's local range.
   * Off: one memblock block of cpus × unit at the top of the 4 GiB of RAM (PA
   * 0x40000000..0x140000000, linear map at 0xffff000000000000 + PA − 0x40000000).
   */
  @ParameterizedTest(name = "{0} CPUs")
  @CsvSource({
      "4, 0xfffffcfffff90000, 0xfffffd7ffff90000, 0x00007d7f7e110000, 0xffff0000ffe88000",
      "160, 0xfffffcfffee80000, 0xfffffd7ffee80000, 0x00007d7f7d000000, 0xffff0000fab40000"})
  void exactFirstChunkAndLocalArea(int cpus, String base, String localBase, String off,
      String embedBase) {
    assertThat(percpu("--set", "cpus=" + cpus))
        .isEqualTo(expected(hex(base), 4L * cpus, hex(localBase), hex(off)));
    assertThat(percpu("--set", "cpus=" + cpus, "--set", "percpu.localMap=off"))
        .as("local map off: embed first chunk, no local area, no per-CPU tables")
        .isEqualTo(expected(hex(embedBase), 0, 0, 0));
  }

  private static long hex(String s) {
    return Long.parseUnsignedLong(s.substring(2), 16);
  }

  @Test
  void textHasTheKernelBootLines() {
    Cli c = Cli.run("boot", "--set", "percpu.localLayout=mirror");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("\npercpu (setup_per_cpu_areas):\n"
        + "  percpu: 28 4K pages/cpu s84248 r8192 d22248\n"
        + "  pcpu-alloc: s84248 r8192 d22248 u114688 alloc=28*4096\n"
        + "  pcpu-alloc: [0] 0 [0] 1 [0] 2 [0] 3\n"
        + "  first chunk at 0xfffffcfffff90000, unit 114688 B, atom 4096 B\n"
        + "  local area 0xfffffd0000000000-0xfffffd8000000000, first chunk's local range at "
        + "0xfffffd7ffff90000, __per_cpu_local_off 0x00007d7f7e110000\n\npage tables (");
    Cli big = Cli.run("boot", "--set", "percpu.localLayout=mirror", "--set", "cpus=160", "--set", "percpu.localMap=off");
    assertThat(big.out()).contains("  pcpu-alloc: [0] 156 [0] 157 [0] 158 [0] 159\n"
        + "  first chunk at 0xffff0000fab40000, unit 122880 B, atom 4096 B\n"
        + "  no local area (local map inactive)\n");
  }
}
